-- title: Every discrepancy links the claims or aliases that disagree
-- why: A discrepancy with nothing linked records a disagreement nobody can check; link its claims
--   in discrepancy_claims (or its spellings in discrepancy_aliases), or remove it.
-- checks: discrepancies
SELECT 'discrepancies' AS resource, d._row AS row_number, 'discrepancy_id' AS column_name,
       'no discrepancy_claims or discrepancy_aliases row' AS detail
FROM discrepancies AS d
WHERE NOT EXISTS (SELECT 1 FROM discrepancy_claims AS c WHERE c.discrepancy_id = d.discrepancy_id)
  AND NOT EXISTS (SELECT 1 FROM discrepancy_aliases AS a WHERE a.discrepancy_id = d.discrepancy_id)
ORDER BY d._row
