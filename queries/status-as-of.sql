-- title: Status of every commitment as of a date
-- description: Where did things stand on a given day? For each commitment, the last status
--   update dated on or before that day (point in time, from the status history): status,
--   formality, actual value and the source that reported it. Commitments with no update yet on
--   that day have an empty status.
-- param: as_of DATE = today -- the day to look at (YYYY-MM-DD); today is $COMMITMENTS_TODAY or the clock
-- example: python cli.py query status-as-of --param as_of=2025-07-02
WITH known AS (
    SELECT *
    FROM status_updates
    WHERE as_of <= $as_of
    QUALIFY row_number() OVER (PARTITION BY commitment_id ORDER BY as_of DESC) = 1
)
SELECT
    c.commitment_id,
    c.title_en,
    c.kind,
    k.status,
    k.formality,
    k.actual_value,
    k.as_of AS reported_on,
    k.source_id,
    k.rationale
FROM commitments AS c
LEFT JOIN known AS k USING (commitment_id)
ORDER BY k.status IS NULL, k.status, c.commitment_id
