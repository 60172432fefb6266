-- title: Each claim is about exactly one subject
-- why: A claim states something about one commitment, one indicator or one event; set exactly one
--   of commitment_id, indicator_id and event_id (two statements need two claims).
-- checks: claims
SELECT 'claims' AS resource, _row AS row_number,
       'commitment_id, indicator_id, event_id' AS column_name,
       CASE subjects WHEN 0 THEN 'none of the three is set' ELSE subjects || ' of the three are set' END
           AS detail
FROM (
    SELECT _row,
           (commitment_id IS NOT NULL)::INTEGER + (indicator_id IS NOT NULL)::INTEGER
               + (event_id IS NOT NULL)::INTEGER AS subjects
    FROM claims
)
WHERE subjects <> 1
ORDER BY _row
