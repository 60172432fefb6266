-- title: A disputed target is left blank
-- why: When claims on a commitment are linked by a discrepancy of kind `value`, the sources
--   disagree on its figure; the commitment's own target_value stays blank rather than silently
--   picking one version (each version remains in its claim).
-- checks: commitments
SELECT DISTINCT 'commitments' AS resource, c._row AS row_number, 'target_value' AS column_name,
       'its claims are disputed by discrepancy ' || d.discrepancy_id AS detail
FROM commitments AS c
JOIN claims AS k ON k.commitment_id = c.commitment_id
JOIN discrepancy_claims AS dc ON dc.claim_id = k.claim_id
JOIN discrepancies AS d ON d.discrepancy_id = dc.discrepancy_id AND d.kind = 'value'
WHERE c.target_value IS NOT NULL
ORDER BY row_number
