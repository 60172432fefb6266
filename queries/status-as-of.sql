-- title: Status of every commitment as of a date
-- description: Where did things stand on a given day? For each commitment, the last status that
--   had become true on or before that day: a status counts from effective_to (the latest day it
--   can have become true: an agreement signed during the Assises counts from 2025-07-02) or, when
--   the evidence does not date it, from as_of (the evidence date). Shown with its status,
--   formality, actual value, when it became true (became_true: one day, or "2025-07-01 to
--   2025-07-02" when only the period is known), the evidence date and the source. Commitments
--   with no status yet on that day have an empty status.
-- param: as_of DATE = today -- the day to look at (YYYY-MM-DD); today is $COMMITMENTS_TODAY or the clock
-- example: python cli.py query status-as-of --param as_of=2025-07-02
WITH dated AS (
    SELECT *, coalesce(effective_to, as_of) AS true_by
    FROM status_updates
),
known AS (
    SELECT *
    FROM dated
    WHERE true_by <= $as_of
    QUALIFY row_number() OVER (PARTITION BY commitment_id ORDER BY true_by DESC, as_of DESC) = 1
)
SELECT
    c.commitment_id,
    c.title_en,
    c.kind,
    k.status,
    k.formality,
    k.actual_value,
    CASE
        WHEN k.effective_to IS NULL THEN NULL
        WHEN k.effective_from IS NULL THEN 'by ' || k.effective_to
        WHEN k.effective_from = k.effective_to THEN CAST(k.effective_to AS VARCHAR)
        ELSE k.effective_from || ' to ' || k.effective_to
    END AS became_true,
    k.as_of AS reported_on,
    k.source_id,
    k.rationale
FROM commitments AS c
LEFT JOIN known AS k USING (commitment_id)
ORDER BY k.status IS NULL, k.status, c.commitment_id
