-- title: A deadline is not before the year its commitment was announced
-- why: Nobody announces a target for a year already past: deadline_year, announced_on or the
--   commitment's event is mistyped. The announcement is announced_on or, when that is blank, the
--   start date of the event at which the commitment was announced.
-- checks: commitments
SELECT 'commitments' AS resource, c._row AS row_number, 'deadline_year' AS column_name,
       CASE WHEN c.announced_on IS NOT NULL THEN 'announced on ' || c.announced_on
            ELSE 'announced at event ' || e.event_id || ', which started on ' || e.start_date
       END AS detail
FROM commitments AS c
LEFT JOIN events AS e ON e.event_id = c.event_id
WHERE c.deadline_year < year(coalesce(c.announced_on, e.start_date))
ORDER BY c._row
