-- title: A status's effective dates form a window that ends by its evidence date
-- why: effective_from..effective_to is when the status became true (one day, or the days of an
--   event); as_of is the date of the evidence. The window cannot end before it starts, and a
--   source cannot report as true something that became true only after it was written: fix the
--   dates, or leave them blank when the source does not say when the status became true.
-- checks: status_updates
SELECT 'status_updates' AS resource, s._row AS row_number,
       CASE WHEN s.effective_from > s.effective_to THEN 'effective_from, effective_to'
            ELSE 'effective_to, as_of' END AS column_name,
       CASE WHEN s.effective_from > s.effective_to
            THEN 'effective_from ' || s.effective_from || ' is after effective_to ' || s.effective_to
            ELSE 'the status became true by ' || coalesce(s.effective_to, s.effective_from)
                 || ', after the evidence date ' || s.as_of END AS detail
FROM status_updates AS s
WHERE s.effective_from > s.effective_to
   OR coalesce(s.effective_to, s.effective_from) > s.as_of
ORDER BY s._row
