-- title: Agreements and their parties
-- description: Who signed what? Every agreement (memorandum, partnership, accord) with its
--   parties and their roles, the latest reported formality (e.g. mou_signed), and the claims
--   that name the parties.
-- param: none
-- example: python cli.py query agreements
WITH latest AS (
    SELECT commitment_id, arg_max(status, as_of) AS status, arg_max(formality, as_of) AS formality
    FROM status_updates
    WHERE commitment_id IN (SELECT commitment_id FROM commitments WHERE kind = 'agreement')
    GROUP BY commitment_id
),
parties AS (
    SELECT
        p.commitment_id,
        count(DISTINCT p.actor_id) AS party_count,
        string_agg(a.name || ' (' || p.role || ')', '; ' ORDER BY a.name) AS parties,
        string_agg(DISTINCT p.claim_id, '; ' ORDER BY p.claim_id) AS claims
    FROM commitment_parties AS p
    JOIN actors AS a USING (actor_id)
    -- Only the agreements' parties: aggregating every commitment's was 3/4 of the query's time.
    WHERE p.commitment_id IN (SELECT commitment_id FROM commitments WHERE kind = 'agreement')
    GROUP BY p.commitment_id
)
SELECT
    c.commitment_id,
    c.title_en,
    coalesce(parties.party_count, 0) AS party_count,
    parties.parties,
    latest.formality,
    latest.status,
    parties.claims
FROM commitments AS c
LEFT JOIN parties USING (commitment_id)
LEFT JOIN latest USING (commitment_id)
WHERE c.kind = 'agreement'
ORDER BY c.commitment_id
