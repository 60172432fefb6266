-- title: Every commitment has at least one status row
-- why: The tracker reports each commitment's latest status; without a row in status_updates a
--   commitment has none. Add its first row (usually `announced`, dated by the source that reports it).
-- checks: commitments
SELECT 'commitments' AS resource, c._row AS row_number, 'commitment_id' AS column_name,
       'no status_updates row has this commitment_id' AS detail
FROM commitments AS c
WHERE NOT EXISTS (SELECT 1 FROM status_updates AS s WHERE s.commitment_id = c.commitment_id)
ORDER BY c._row
