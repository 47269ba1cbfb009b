#pragma once

// Every statement the retrieval path runs. Parameters common to both legs come first and in the
// same order: $1 merchant id, $2 corpus version, $3 the agent's ACL tokens, $4 row limit.
namespace ac::retrieval::sql {

inline constexpr const char* kLiveCorpus =
    "SELECT version, embedding_provider, embedding_model, embedding_dims, embedding_version "
    "FROM corpus_versions WHERE merchant_id = $1 AND state = 'live'";

// SET LOCAL with parameters, all of a leg's settings in one round trip ($1 names, $2 values):
// lasts until the transaction ends, never leaks into a pooled session.
inline constexpr const char* kSetLocal =
    "SELECT set_config(s.name, s.value, true) FROM unnest($1::text[], $2::text[]) AS s(name, value)";

// Planner estimates for choosing the vector path, in one round trip (migration 014): plan rows of
// the merchant's partition, its corpus version and the agent's tokens (EXPLAIN without ANALYZE
// runs nothing; under row-level security every estimate carries the policies' selectivities, so
// only their ratios are used), and the partition's size from pg_class (0 before the first
// VACUUM or ANALYZE).
inline constexpr const char* kPathEstimates =
    "SELECT partition_rows, version_rows, authorised_rows, table_rows, under_policy "
    "FROM app.path_estimates($1, $2, $3::text[])";

// Whether more authorised rows exist than a leg returned, counting at most $4 of them.
inline constexpr const char* kCountAuthorised =
    "SELECT count(*) FROM (SELECT 1 FROM chunks c "
    "WHERE c.merchant_id = $1 AND c.corpus_version = $2 AND c.acl && $3::text[] LIMIT $4) AS authorised";

// $5 is the query embedding. A graph indexes `embedding::halfvec(N)` of the rows with
// `embedding_dims = N` (migrations 010, 016), so the graph path orders by that half-precision
// distance (the expression its index is built on) and repeats the predicate, and reports the
// full-precision distance, by which the leg then ranks its rows. %1 is the corpus version's
// dimension count, an integer from corpus_versions (a type modifier cannot be a parameter). Which
// access path the planner may use is set before each runs.
#define AC_VECTOR_LEG_COLUMNS \
    "SELECT c.id, c.source_type, coalesce(c.document_id, c.ticket_id) AS source_id, c.chunk_index, " \
    "c.heading_path, c.citation, c.chunk_text, c.acl, c.metadata, " \
    "c.embedding <=> $5::vector AS distance " \
    "FROM chunks c " \
    "WHERE c.merchant_id = $1 AND c.corpus_version = $2 AND c.acl && $3::text[] "
#define AC_GRAPH_ORDER "AND c.embedding_dims = %1 ORDER BY c.embedding::halfvec(%1) <=> $5::halfvec(%1) LIMIT $4"

inline constexpr const char* kVectorLegGraph = AC_VECTOR_LEG_COLUMNS AC_GRAPH_ORDER;
// The exact path orders by the full-precision distance, in a SECURITY DEFINER function (migration
// 011) that applies the caller's server-side identity, because under row-level security an agent's
// `acl && tokens` cannot use the acl index and the scan would read every row of the partition.
inline constexpr const char* kVectorLegExact = "SELECT * FROM app.exact_vector_leg($1, $2, $3::text[], $5::vector, $4)";
inline constexpr const char* kExplainVectorLegExact =
    "SELECT app.explain_exact_vector_leg($1, $2, $3::text[], $5::vector, $4)";

// The graph path in the ACL graph of token $6 (migration 009): the constant `acl @> ARRAY[$6]`
// lets the planner use the partial HNSW index built for that token.
inline constexpr const char* kVectorLegAclGraph = AC_VECTOR_LEG_COLUMNS "AND c.acl @> ARRAY[$6::text] " AC_GRAPH_ORDER;

#undef AC_GRAPH_ORDER
#undef AC_VECTOR_LEG_COLUMNS

// The agent's tokens whose ACL graphs together hold every row it may read; empty: search the
// merchant's graph. $1 merchant, $2 version, $3 tokens.
inline constexpr const char* kAclGraphs = "SELECT app.acl_graphs($1, $2, $3::text[])";
inline constexpr const char* kAclGraphName = "SELECT app.acl_graph_name($1, $2, $3)";

// The lexical leg, Okapi BM25 (migrations 013, 020): $5 the query text (the server stems it with
// the configuration search_tsv uses), $6 k1, $7 b. It runs in a SECURITY DEFINER function that
// applies the caller's server-side identity and reads the postings lists of the caller's tokens,
// which agents cannot read themselves. The function's first_pass_rows argument (013's MaxScore
// pass) no longer has a use: 0.
inline constexpr const char* kLexicalLeg = "SELECT * FROM app.bm25_leg($1, $2, $3::text[], $5, $6, $7, 0, $4)";
inline constexpr const char* kExplainLexicalLeg =
    "SELECT plan, searched FROM app.explain_bm25_leg($1, $2, $3::text[], $5, $6, $7, 0, $4)";

// The vector distances of the lexical leg's rows ($1 merchant, $2 corpus version, $3 chunk ids,
// $4 the query embedding). When the vector leg searched a graph, they join its ranking: a graph
// search for a short query can settle in the wrong region of the graph and never reach the rows
// nearest to it, which the lexical leg often finds (BENCHMARKS.md, "1M chunks: lexical seeds for
// the graph's ranking").
inline constexpr const char* kSeedDistances =
    "SELECT c.id, c.embedding <=> $4::vector AS distance FROM chunks c "
    "WHERE c.merchant_id = $1 AND c.corpus_version = $2 AND c.id = ANY($3::bigint[])";

// Titles for the chunks that made the final cut: $2 document ids, $3 ticket ids.
inline constexpr const char* kSourceTitles =
    "SELECT 'document' AS source_type, id, title FROM support_documents "
    "WHERE merchant_id = $1 AND id = ANY($2::text[]) "
    "UNION ALL "
    "SELECT 'ticket', id, left(text, 120) FROM tickets WHERE merchant_id = $1 AND id = ANY($3::text[])";

// $1 merchant: its partition's statistics, and the names its plans show (table and, for $2
// dimensions, HNSW index).
inline constexpr const char* kChunkStatistics =
    "SELECT n_live_tup, n_mod_since_analyze, (last_analyze IS NULL AND last_autoanalyze IS NULL) AS never "
    "FROM pg_stat_user_tables WHERE relid = to_regclass(app.chunk_partition_name($1))";
inline constexpr const char* kPartitionNames =
    "SELECT p.relname AS partition, "
    "  (SELECT ix.relname FROM pg_class ix WHERE ix.oid = to_regclass(app.chunk_graph_name($1, $2))) AS hnsw_index "
    "FROM pg_class p WHERE p.oid = to_regclass(app.chunk_partition_name($1))";

inline constexpr const char* kExplainPrefix = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ";

} // namespace ac::retrieval::sql

namespace ac::retrieval::sql {

// Exact counts for a small tenant (the caller checks the estimate first): all of the merchant's
// rows in the version, and those the agent may read.
inline constexpr const char* kCountScope =
    "SELECT count(*) AS merchant_rows, count(*) FILTER (WHERE c.acl && $3::text[]) AS authorised_rows "
    "FROM chunks c WHERE c.merchant_id = $1 AND c.corpus_version = $2";

} // namespace ac::retrieval::sql
