-- title: Commitments without a status update for N days
-- description: What has nobody reported on lately? Commitments whose latest status update (or
--   none at all) is older than the given number of days before the reference day, oldest first,
--   with how many days have passed.
-- param: days INTEGER = 180 -- report commitments whose last update is more than this many days old
-- param: today DATE = today -- reference day (YYYY-MM-DD); default $COMMITMENTS_TODAY or the clock
-- example: python cli.py query stale --param days=90 --param today=2025-12-31
WITH latest AS (
    SELECT commitment_id, max(as_of) AS last_update, arg_max(status, as_of) AS status
    FROM status_updates
    GROUP BY commitment_id
)
SELECT
    c.commitment_id,
    c.title_en,
    latest.status,
    latest.last_update,
    date_diff('day', latest.last_update, $today) AS days_since_update
FROM commitments AS c
LEFT JOIN latest USING (commitment_id)
WHERE latest.last_update IS NULL OR latest.last_update < $today - to_days(CAST($days AS INTEGER))
ORDER BY latest.last_update NULLS FIRST, c.commitment_id
