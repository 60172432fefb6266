-- title: Commitments by actor, matched on any name variant
-- description: What is this person or body involved in? Finds actors whose id, name or any
--   recorded alias contains the search text (case-insensitive), then lists every commitment they
--   own, are a party to, or are quoted about, with their role and the name that matched.
-- param: actor VARCHAR -- part of an actor's id, name or alias, e.g. Seghrouchni or UM6P
-- example: python cli.py query by-actor --param actor=Seghrouchni
-- example: python cli.py query by-actor --param "actor=Amel Falah"
WITH matched AS (
    SELECT a.actor_id, a.name, min(m.matched_on) AS matched_on
    FROM actors AS a
    JOIN (
        SELECT actor_id, actor_id AS matched_on FROM actors
        UNION ALL SELECT actor_id, name FROM actors
        UNION ALL SELECT actor_id, alias FROM actor_aliases
    ) AS m USING (actor_id)
    WHERE contains(lower(m.matched_on), lower($actor))
    GROUP BY a.actor_id, a.name
),
involvement AS (
    SELECT owner_actor_id AS actor_id, commitment_id, 'owner' AS role, NULL AS claim_id
    FROM commitments WHERE owner_actor_id IS NOT NULL
    UNION ALL
    SELECT actor_id, commitment_id, role, claim_id FROM commitment_parties
    UNION ALL
    SELECT speaker_actor_id, commitment_id, 'speaker', claim_id
    FROM claims WHERE speaker_actor_id IS NOT NULL AND commitment_id IS NOT NULL
)
SELECT
    m.actor_id,
    m.name AS actor,
    m.matched_on,
    i.role,
    c.commitment_id,
    c.title_en,
    c.kind,
    count(i.claim_id) AS claims,
    string_agg(i.claim_id, '; ' ORDER BY i.claim_id) AS claim_ids
FROM matched AS m
JOIN involvement AS i USING (actor_id)
JOIN commitments AS c USING (commitment_id)
GROUP BY ALL
ORDER BY m.actor_id, i.role, c.commitment_id
