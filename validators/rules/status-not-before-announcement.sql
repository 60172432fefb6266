-- title: No status row is dated before its commitment was announced
-- why: A commitment has no status before it exists; either as_of or the commitment's
--   announced_on is mistyped.
-- checks: status_updates
SELECT 'status_updates' AS resource, s._row AS row_number, 'as_of' AS column_name,
       'commitment ' || c.commitment_id || ' was announced on ' || c.announced_on AS detail
FROM status_updates AS s
JOIN commitments AS c ON c.commitment_id = s.commitment_id
WHERE s.as_of < c.announced_on
ORDER BY s._row
