-- title: No status row is dated before its commitment was announced
-- why: A commitment has no status before it exists. The announcement is the commitment's
--   announced_on or, when that is blank, the start date of the event at which it was announced:
--   either as_of, announced_on or the commitment's event is mistyped.
-- checks: status_updates
SELECT 'status_updates' AS resource, s._row AS row_number, 'as_of' AS column_name,
       CASE WHEN c.announced_on IS NOT NULL
            THEN 'commitment ' || c.commitment_id || ' was announced on ' || c.announced_on
            ELSE 'commitment ' || c.commitment_id || ' was announced at event ' || e.event_id
                 || ', which started on ' || e.start_date
       END AS detail
FROM status_updates AS s
JOIN commitments AS c ON c.commitment_id = s.commitment_id
LEFT JOIN events AS e ON e.event_id = c.event_id
WHERE s.as_of < coalesce(c.announced_on, e.start_date)
ORDER BY s._row
