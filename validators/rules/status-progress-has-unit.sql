-- title: A progress figure has a unit to be read in
-- why: status_updates.actual_value is counted in its commitment's unit; a commitment without a
--   unit_id leaves the figure unreadable. Set the commitment's unit_id.
-- checks: status_updates
SELECT 'status_updates' AS resource, s._row AS row_number, 'actual_value' AS column_name,
       'commitment ' || c.commitment_id || ' has no unit_id' AS detail
FROM status_updates AS s
JOIN commitments AS c ON c.commitment_id = s.commitment_id
WHERE s.actual_value IS NOT NULL AND c.unit_id IS NULL
ORDER BY s._row
