-- title: A discrepancy links at least two claims or aliases
-- why: A disagreement has two sides at least (two values, two places, two spellings of a name);
--   link the other claim or alias it disagrees with.
-- checks: discrepancies
WITH links AS (
    SELECT discrepancy_id FROM discrepancy_claims
    UNION ALL
    SELECT discrepancy_id FROM discrepancy_aliases
)
SELECT 'discrepancies' AS resource, d._row AS row_number, 'discrepancy_id' AS column_name,
       'links only one claim or alias (kind ' || d.kind || ')' AS detail
FROM discrepancies AS d
JOIN links AS l ON l.discrepancy_id = d.discrepancy_id
GROUP BY d._row, d.kind
HAVING count(*) = 1
ORDER BY d._row
