-- title: Evidence trail of one commitment
-- description: Where does this commitment come from? Every claim about it, with the verbatim
--   quote, its offsets in the archived seed, the figure it states, who said it, and the source,
--   outlet and publication date, oldest source first.
-- param: commitment VARCHAR -- commitment_id, e.g. digital-jobs-2030 (see the commitments table)
-- example: python cli.py query evidence-trail --param commitment=digital-jobs-2030
-- example: python cli.py query evidence-trail --param commitment=maroc-digital-2030-budget --format json
SELECT
    cl.claim_id,
    cl.quote,
    cl.value,
    u.label AS unit,
    cl.qualifier,
    speaker.name AS speaker,
    s.source_id,
    s.outlet,
    s.published_on,
    s.genre,
    s.seed_path,
    cl.quote_start,
    cl.quote_end,
    (SELECT string_agg(dc.discrepancy_id, '; ' ORDER BY dc.discrepancy_id)
       FROM discrepancy_claims AS dc WHERE dc.claim_id = cl.claim_id) AS disputed_in
FROM claims AS cl
JOIN sources AS s USING (source_id)
LEFT JOIN units AS u ON u.unit_id = cl.unit_id
LEFT JOIN actors AS speaker ON speaker.actor_id = cl.speaker_actor_id
WHERE cl.commitment_id = $commitment
ORDER BY s.published_on NULLS LAST, s.source_id, cl.quote_start
