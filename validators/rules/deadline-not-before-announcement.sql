-- title: A deadline is not before the year its commitment was announced
-- why: Nobody announces a target for a year already past: deadline_year or announced_on is
--   mistyped.
-- checks: commitments
SELECT 'commitments' AS resource, _row AS row_number, 'deadline_year' AS column_name,
       'announced on ' || announced_on AS detail
FROM commitments
WHERE deadline_year < year(announced_on)
ORDER BY _row
