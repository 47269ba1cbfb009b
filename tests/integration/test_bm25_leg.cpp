// The BM25 lexical leg (migrations 013, 020 and 021): scores against a hand-computed example, term
// statistics and postings kept right by every kind of write, the postings' top k equal to scoring
// every allowed match, and the caller's identity applied under row-level security.
#include "db/db_error.h"
#include "ingest_test_helpers.h"
#include "security/agent_session.h"
#include "support/test_database.h"

#include <QtTest>

#include <cmath>

using namespace ac;

namespace {

constexpr const char* kTenant = R"SQL(
    INSERT INTO merchants (id, name, plan) VALUES ('mbm', 'BM25 Co', 'pro');
    INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims,
                                 chunker_version, state) VALUES ('mbm', 1, 'hash', 'test', 1536, 't', 'live');
    INSERT INTO support_documents (id, merchant_id, title, full_text, acl, content_hash)
        VALUES ('bm-doc', 'mbm', 'Doc', 'x', '{role:staff}', 'h');
    INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, citation, chunk_text,
                        content_hash, token_count, embedding, embedding_model, chunker_version, acl)
    SELECT 'mbm', 1, 'document', 'bm-doc', t.i, '[Doc]', t.body, 'h', 3, array_fill(0.1::real, '{1536}')::vector,
           'test', 't', t.acl
    FROM (VALUES (0, 'refund refund policy', '{role:staff}'::text[]),
                 (1, 'refund shipping', '{role:staff,topic:refund}'),
                 (2, 'shipping address change', '{role:staff}'),
                 (3, 'warranty claims', '{role:staff}')) AS t(i, body, acl);
    CREATE ROLE agent_bm_staff NOLOGIN IN ROLE agent_console_agents;
    CREATE ROLE agent_bm_refund NOLOGIN IN ROLE agent_console_agents;
    INSERT INTO agents (id, merchant_id, display_name, kind, acl_tokens, db_role) VALUES
        ('bm-staff', 'mbm', 'Staff', 'staff', '{role:staff}', 'agent_bm_staff'),
        ('bm-refund', 'mbm', 'Refunds', 'contractor', '{topic:refund}', 'agent_bm_refund');
)SQL";

// BM25 of every allowed match, straight from the tsvectors: what the leg must return.
constexpr const char* kExhaustiveBm25 = R"SQL(
    WITH q AS (SELECT lexeme, idf FROM app.bm25_terms($1, 1, $2, 1.2)),
         t AS (SELECT tokens::float8 / chunks AS avgdl FROM chunk_lexical_totals WHERE merchant_id = $1 AND corpus_version = 1),
         s AS (SELECT c.id, sum(q.idf * cardinality(u.positions) * (1.2::real + 1)
                                / (cardinality(u.positions) + 1.2::real * (1 - 0.75::real + 0.75::real
                                   * app.tsvector_tokens(c.search_tsv) / t.avgdl)))::real AS score
               FROM chunks c CROSS JOIN LATERAL unnest(c.search_tsv) AS u JOIN q ON q.lexeme = u.lexeme CROSS JOIN t
               WHERE c.merchant_id = $1 AND c.corpus_version = 1
                 AND c.acl && (SELECT acl_tokens FROM agents WHERE db_role = $3)
               GROUP BY c.id)
    SELECT id, score FROM s ORDER BY score DESC, id LIMIT $4
)SQL";

double bm25(double idf, double tf, double length, double averageLength, double k1 = 1.2, double b = 0.75)
{
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength));
}

} // namespace

class TestBm25Leg : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::TestDatabase::instance().seedFixtures();
        test::TestDatabase::instance().connect().execScript(kTenant);
    }

    void cleanupTestCase()
    {
        test::TestDatabase::instance().connect().execScript(
            "DELETE FROM agents WHERE merchant_id = 'mbm'; DROP ROLE agent_bm_staff; DROP ROLE agent_bm_refund; "
            "DELETE FROM merchants WHERE id = 'mbm';");
    }

    // Four chunks, stemmed: {refund:2, polici:1} |3|, {refund, ship} |2|, {ship, address, chang} |3|,
    // {warranti, claim} |2|. N = 4, avgdl = 10 / 4; "refund" and "ship" each in 2 chunks:
    // idf = ln(1 + (4 - 2 + 0.5) / (2 + 0.5)) = ln 2.
    void scoresMatchAHandComputedExample()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("SET ROLE agent_bm_staff");
        const db::PgResult r = owner.exec("SELECT chunk_index, score FROM app.bm25_leg('mbm', 1, '{}', 'refund shipping', "
                                          "1.2, 0.75, 2000, 10)");
        const double idf = std::log(2.0);
        const double avgdl = 10.0 / 4.0;
        const QList<QPair<int, double>> expected{
            {1, bm25(idf, 1, 2, avgdl) + bm25(idf, 1, 2, avgdl)},  // 1.509824
            {0, bm25(idf, 2, 3, avgdl)},                           // 0.902321
            {2, bm25(idf, 1, 3, avgdl)},                           // 0.640724
        };
        QCOMPARE(r.rows(), int(expected.size()));
        for (int i = 0; i < r.rows(); ++i) {
            QCOMPARE(int(r.integer(i, "chunk_index")), expected[i].first);
            QVERIFY2(std::abs(r.real(i, "score") - expected[i].second) < 1e-5,
                     qPrintable(QStringLiteral("chunk %1: %2, expected %3").arg(expected[i].first)
                                    .arg(r.real(i, "score"), 0, 'f', 6).arg(expected[i].second, 0, 'f', 6)));
        }
        // k1 and b take effect: b = 0 ignores length, so chunk 0's two "refund"s are weighed alone.
        const db::PgResult noLength = owner.exec("SELECT chunk_index, score FROM app.bm25_leg('mbm', 1, '{}', 'refund', "
                                                 "0.9, 0, 2000, 10)");
        QCOMPARE(noLength.rows(), 2);
        QVERIFY(std::abs(noLength.real(0, "score") - bm25(idf, 2, 3, avgdl, 0.9, 0)) < 1e-5);
        QVERIFY(std::abs(noLength.real(1, "score") - bm25(idf, 1, 2, avgdl, 0.9, 0)) < 1e-5);
    }

    // A term in every chunk still ranks (idf > 0), and stop words alone find nothing.
    void frequentTermsRankAndStopWordsDoNot()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("BEGIN");
        owner.exec("UPDATE chunks SET chunk_text = chunk_text || ' order' WHERE merchant_id = 'mbm'");
        owner.exec("SET LOCAL ROLE agent_bm_staff");
        QCOMPARE(owner.exec("SELECT count(*) FROM app.bm25_leg('mbm', 1, '{}', 'order', 1.2, 0.75, 2000, 10)").integer(0, 0), 4);
        QCOMPARE(owner.exec("SELECT count(*) FROM app.bm25_leg('mbm', 1, '{}', 'the and of', 1.2, 0.75, 2000, 10)").integer(0, 0), 0);
        owner.exec("ROLLBACK");
    }

    void statisticsFollowEveryWrite()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const auto drift = [&owner] { return test::lexicalStatisticsDrift(owner, QStringLiteral("mbm")); };
        QCOMPARE(drift(), 0);
        owner.exec("BEGIN");
        // One statement per chunk: segments pile up and are merged.
        for (int i = 0; i < 40; ++i)
            owner.exec("INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, citation, "
                       "chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, acl) "
                       "VALUES ('mbm', 1, 'document', 'bm-doc', $1::integer, '[Doc]', 'refund shipping ' || $1::integer, 'h', 3, "
                       "array_fill(0.1::real, '{1536}')::vector, 'test', 't', '{role:staff}')",
                       db::PgParams().add(100 + i));
        QCOMPARE(drift(), 0);
        QVERIFY(owner.exec("SELECT count(*) FROM chunk_postings WHERE merchant_id = 'mbm' AND lexeme = 'refund'").integer(0, 0) < 8);
        owner.exec("DELETE FROM chunks WHERE merchant_id = 'mbm' AND chunk_index >= 100");
        QCOMPARE(drift(), 0);
        owner.exec("INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, citation, "
                   "chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, acl) "
                   "SELECT 'mbm', 1, 'document', 'bm-doc', 10 + g, '[Doc]', 'new words ' || g, 'h', 3, "
                   "array_fill(0.1::real, '{1536}')::vector, 'test', 't', '{role:staff}' FROM generate_series(1, 20) g");
        QCOMPARE(drift(), 0);
        owner.exec("UPDATE chunks SET chunk_text = 'refund refund refund' WHERE merchant_id = 'mbm' AND chunk_index = 3");
        QCOMPARE(drift(), 0);
        owner.exec("UPDATE chunks SET acl = '{role:staff,topic:refund}' WHERE merchant_id = 'mbm' AND chunk_index = 0");
        QCOMPARE(drift(), 0);
        owner.exec("DELETE FROM chunks WHERE merchant_id = 'mbm' AND chunk_index > 15");
        QCOMPARE(drift(), 0);
        // A re-embed: the next version beside the live one, then the old version goes (cascade).
        owner.exec("INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims, "
                   "chunker_version, state) VALUES ('mbm', 2, 'hash', 'test2', 1536, 't', 'building')");
        owner.exec("INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, citation, "
                   "chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, acl) "
                   "SELECT merchant_id, 2, source_type, document_id, chunk_index, citation, chunk_text, content_hash, "
                   "token_count, embedding, 'test2', chunker_version, acl FROM chunks WHERE merchant_id = 'mbm'");
        QCOMPARE(drift(), 0);
        owner.exec("DELETE FROM corpus_versions WHERE merchant_id = 'mbm' AND version = 1");
        QCOMPARE(drift(), 0);
        QCOMPARE(owner.exec("SELECT count(*) FROM chunk_lexemes WHERE merchant_id = 'mbm' AND corpus_version = 1").integer(0, 0), 0);
        QCOMPARE(owner.exec("SELECT count(*) FROM chunk_postings WHERE merchant_id = 'mbm' AND corpus_version = 1").integer(0, 0), 0);
        // Deleting the source document cascades to its chunks.
        owner.exec("DELETE FROM support_documents WHERE id = 'bm-doc'");
        QCOMPARE(drift(), 0);
        owner.exec("ROLLBACK");
        QCOMPARE(drift(), 0);
    }

    // The postings' top k is the one scoring every allowed match gives, for staff and for a
    // contractor who may read a few of the best chunks only (the leg then reads deeper).
    void postingsGiveTheExhaustiveTopK()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        for (const char* role : {"agent_u1", "agent_u3"}) {
            for (const char* query : {"refund for order 4821 never arrived", "password reset", "blue widget refund policy",
                                      "how long does shipping take", "refund", "the order"}) {
                for (int k : {1, 3, 10}) {
                    const auto ranking = [](const db::PgResult& r) {
                        QStringList out;
                        for (int i = 0; i < r.rows(); ++i)
                            out << r.text(i, "id") + QLatin1Char('=') + QString::number(r.real(i, "score"), 'f', 5);
                        return out;
                    };
                    const QStringList expected = ranking(owner.exec(kExhaustiveBm25, db::PgParams().add("m01")
                                                                        .add(QString::fromUtf8(query)).add(role).add(k)));
                    owner.exec(QStringLiteral("SET ROLE %1").arg(QLatin1String(role)));
                    const QStringList got = ranking(owner.exec("SELECT id, score FROM app.bm25_leg('m01', 1, '{}', $1, 1.2, 0.75, 2000, $2)",
                                                               db::PgParams().add(QString::fromUtf8(query)).add(k)));
                    owner.exec("RESET ROLE");
                    QCOMPARE(got, expected);
                }
            }
        }
    }

    // The extension's functions refuse what would corrupt a list.
    void postingsRejectBadInput()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        for (const char* bad : {"SELECT app.bm25_postings('{2,1}', '{1,1}', '{3,3}')",
                                "SELECT app.bm25_postings('{1,1}', '{1,1}', '{3,3}')",
                                "SELECT app.bm25_postings('{1,2}', '{1}', '{3,3}')",
                                "SELECT app.bm25_postings('{1}', '{0}', '{3}')",
                                "SELECT app.bm25_postings_count('\\x0100'::bytea)",
                                "SELECT * FROM app.bm25_postings_entries('\\x0200000001'::bytea)",
                                // the first format (migration 020): count, first and last id, varints
                                "SELECT * FROM app.bm25_postings_entries("
                                "'\\x010000000100000000000000010000000000000001010300000000'::bytea)",
                                // a list cut short, and one with a byte of its last block changed
                                "SELECT * FROM app.bm25_postings_entries(substring(app.bm25_postings("
                                "ARRAY(SELECT generate_series(1, 300)::bigint), array_fill(1, '{300}'), "
                                "array_fill(2, '{300}')) FROM 1 FOR 200))",
                                "SELECT * FROM app.bm25_postings_entries(overlay(app.bm25_postings('{1,2}', '{1,1}', "
                                "'{2,2}') PLACING '\\xff'::bytea FROM 25 FOR 1))",
                                // lengths said to be 32 bits wide, which no int4 length needs
                                "SELECT * FROM app.bm25_top(ARRAY[overlay(app.bm25_postings('{1,2}', '{1,1}', "
                                "'{2,2}') PLACING '\\x20'::bytea FROM 28 FOR 1)], '{1}', '{1.0}', 1.2, 0.75, 2, 10)",
                                "SELECT app.bm25_postings_merge(ARRAY[app.bm25_postings('{1}', '{1}', '{2}'), "
                                "app.bm25_postings('{1}', '{1}', '{2}')])",
                                "SELECT * FROM app.bm25_top(ARRAY[app.bm25_postings('{1}', '{1}', '{2}')], '{2}', '{1.0}', "
                                "1.2, 0.75, 2, 10)"}) {
            try {
                owner.exec(bad);
                QFAIL(bad);
            } catch (const db::DbError&) {
            }
        }
        const db::PgResult merged = owner.exec(
            "SELECT e.id, e.tf, e.length FROM app.bm25_postings_entries(app.bm25_postings_without(app.bm25_postings_merge("
            "ARRAY[app.bm25_postings('{5,900000000000}', '{1,2}', '{4,9}'), app.bm25_postings('{7}', '{3}', '{3}')]), "
            "'{5}')) AS e");
        QCOMPARE(merged.rows(), 2);
        QCOMPARE(merged.text(0, "id"), QStringLiteral("7"));
        QCOMPARE(merged.text(1, "id"), QStringLiteral("900000000000"));
        QCOMPARE(int(merged.integer(1, "tf")), 2);
        QCOMPARE(int(merged.integer(1, "length")), 9);
    }

    // Blocks of 128 entries, each value packed at its block's width: every entry comes back as it
    // went in, across blocks, wide gaps (one too wide to pack starts a block), large tfs and lengths.
    void postingsRoundTripAcrossBlocks()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const char* source =
            "SELECT i, CASE WHEN i <= 500 THEN i * 3 WHEN i <= 900 THEN 1000000 + i::bigint * i "
            "ELSE (1::bigint << 60) + i END AS id, "
            "CASE WHEN i % 97 = 0 THEN 70000 + i ELSE 1 + i % 3 END AS tf, "
            "CASE WHEN i % 89 = 0 THEN 2000000000 ELSE 80000 + i END AS length FROM generate_series(1, 1000) AS i";
        const db::PgResult r = owner.exec(
            QStringLiteral("WITH s AS (%1), l AS (SELECT app.bm25_postings(array_agg(id ORDER BY i), array_agg(tf ORDER BY i), "
                           "array_agg(length ORDER BY i)) AS list FROM s), "
                           "e AS (SELECT e.* FROM l, app.bm25_postings_entries(l.list) AS e) "
                           "SELECT (SELECT count(*) FROM e) AS entries, app.bm25_postings_count(l.list) AS counted, "
                           "(SELECT count(*) FROM (SELECT id, tf, length FROM s EXCEPT SELECT * FROM e) AS d) AS lost, "
                           "length(l.list) AS bytes FROM l")
                .arg(QLatin1String(source)));
        QCOMPARE(r.integer(0, "entries"), qint64(1000));
        QCOMPARE(r.integer(0, "counted"), qint64(1000));
        QCOMPARE(r.integer(0, "lost"), qint64(0));
        QVERIFY2(r.integer(0, "bytes") < 1000 * 12, qPrintable(r.text(0, "bytes")));
    }

    // Taking entries out rewrites only the blocks that held them: the result has the entries of
    // the list built without them, whichever blocks (first, middle, last, all of one) they were in;
    // a list that held none of them comes back byte for byte.
    void postingsWithoutSplicesBlocks()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const char* check =
            "WITH s AS (SELECT i::bigint * 3 AS id, 1 + i % 4 AS tf, 10 + i % 300 AS length FROM generate_series(1, 1000) AS i), "
            "l AS (SELECT app.bm25_postings(array_agg(id ORDER BY id), array_agg(tf ORDER BY id), array_agg(length ORDER BY id)) AS list FROM s), "
            "gone AS (SELECT $1::bigint[] AS ids), "
            "w AS (SELECT app.bm25_postings_without(l.list, gone.ids) AS list FROM l, gone), "
            "e AS (SELECT app.bm25_postings(array_agg(id ORDER BY id), array_agg(tf ORDER BY id), array_agg(length ORDER BY id)) AS list "
            "      FROM s, gone WHERE s.id <> ALL (gone.ids)) "
            "SELECT (SELECT array_agg(x ORDER BY x.id) FROM app.bm25_postings_entries(w.list) AS x) "
            "     = (SELECT array_agg(x ORDER BY x.id) FROM app.bm25_postings_entries(e.list) AS x) AS same, "
            "       w.list = l.list AS unchanged, app.bm25_postings_count(w.list) AS entries, "
            "       (SELECT count(*) FROM app.bm25_postings_entries(w.list)) AS decoded FROM w, e, l";
        const QList<QPair<QString, int>> cases = {
            {QStringLiteral("{3}"), 999},
            {QStringLiteral("{3000}"), 999},
            {QStringLiteral("{600,601,999,1200}"), 997},
            {QStringLiteral("{1,2,3001,3003}"), 1000},
            {QStringLiteral("{") + [] {
                 QStringList all;
                 for (int i = 129; i <= 256; ++i)
                     all << QString::number(i * 3);
                 return all.join(QLatin1Char(','));
             }() + QStringLiteral("}"),
             872},
        };
        for (const auto& [ids, entries] : cases) {
            const db::PgResult r = owner.exec(check, db::PgParams().add(ids));
            QVERIFY2(r.boolean(0, "same"), qPrintable(ids));
            QCOMPARE(int(r.integer(0, "entries")), entries);
            QCOMPARE(int(r.integer(0, "decoded")), entries);
            QCOMPARE(r.boolean(0, "unchanged"), entries == 1000);
        }
        const db::PgResult emptied = owner.exec(
            "SELECT app.bm25_postings_count(app.bm25_postings_without(app.bm25_postings('{4,5}', '{1,1}', '{2,2}'), '{5,4}'))");
        QCOMPARE(int(emptied.integer(0, 0)), 0);
    }

    // The accumulator a backend keeps between calls: a list found corrupt halfway through scoring
    // leaves no trace in the next call's scores.
    void accumulatorRecoversFromAnError()
    {
        const char* list = "app.bm25_postings(ARRAY(SELECT generate_series(1, 300)::bigint), array_fill(1, '{300}'), "
                           "array_fill(5, '{300}'))";
        const QString scored = QStringLiteral("SELECT string_agg(t.id || '=' || t.score, ' ' ORDER BY t.score DESC, t.id) "
                                              "FROM app.bm25_top(ARRAY[%1], '{1}', '{2.0}', 1.2, 0.75, 5, 5) AS t")
                                   .arg(QLatin1String(list));
        db::PgConnection fresh = test::TestDatabase::instance().connect();
        const QString expected = fresh.exec(scored).text(0, 0);

        db::PgConnection owner = test::TestDatabase::instance().connect();
        try {
            owner.exec(QStringLiteral("SELECT * FROM app.bm25_top(ARRAY[%1, (SELECT substring(l FROM 1 FOR length(l) - 20) "
                                      "FROM (SELECT %1 AS l) AS c)], '{1,2}', '{2.0,1.0}', 1.2, 0.75, 5, 5)")
                           .arg(QLatin1String(list)));
            QFAIL("a truncated list was scored");
        } catch (const db::DbError&) {
        }
        QCOMPARE(owner.exec(scored).text(0, 0), expected);
    }

    // Ids close together are scored term at a time, ids far apart document at a time: the same
    // scores either way, and a chunk listed under two tokens counts once.
    void bothScoringPathsAgree()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        // Scores of a statement with the ids of its lists multiplied by $1, as "id=score".
        const auto scores = [&owner](const char* statement, qint64 stride) {
            const db::PgResult r = owner.exec(statement, db::PgParams().add(stride));
            QStringList out;
            for (int i = 0; i < r.rows(); ++i)
                out << r.text(i, "id") + QLatin1Char('=') + QString::number(r.real(i, "score"), 'f', 6);
            return out;
        };
        const char* small =
            "WITH l(term, ids, tfs, lengths) AS (VALUES (1, '{1,2,3,5}'::bigint[], '{1,2,1,3}'::int[], '{4,9,2,7}'::int[]), "
            "  (1, '{2,8}', '{2,1}', '{9,3}'), (2, '{2,3,4,8}', '{1,1,4,2}', '{9,2,6,3}'), (3, '{6}', '{5}', '{5}')) "
            "SELECT t.id / $1 AS id, t.score FROM app.bm25_top("
            "  ARRAY(SELECT app.bm25_postings(ARRAY(SELECT i * $1 FROM unnest(ids) AS i), tfs, lengths) FROM l ORDER BY term),"
            "  ARRAY(SELECT term FROM l ORDER BY term), '{1.7,0.4,2.2}', 1.2, 0.75, 5.5, 5) AS t";
        const QStringList dense = scores(small, 1);
        QCOMPARE(dense.size(), 5);
        QCOMPARE(scores(small, 1000000000000LL), dense);

        // Lists spanning several of the dense path's windows of ids, term 1 under two tokens.
        const char* wide =
            "WITH l(term, part) AS (VALUES (1, 0), (1, 1), (2, 0), (3, 0)), "
            "e AS (SELECT l.term, l.part, i::bigint * $1 AS id, 1 + abs(hashint4(i + l.term)) % 3 AS tf, "
            "             20 + abs(hashint4(i)) % 1500 AS length "
            "      FROM l, generate_series(1, 200000) AS i WHERE abs(hashint4(i * (l.term + 2 * l.part))) % 5 = 0), "
            "lists AS (SELECT term, app.bm25_postings(array_agg(id ORDER BY id), array_agg(tf ORDER BY id), "
            "                                      array_agg(length ORDER BY id)) AS list FROM e GROUP BY term, part) "
            "SELECT t.id / $1 AS id, t.score FROM app.bm25_top(ARRAY(SELECT list FROM lists ORDER BY term), "
            "  ARRAY(SELECT term FROM lists ORDER BY term), '{1.7,0.4,2.2}', 1.2, 0.75, 300, 50) AS t";
        const QStringList windows = scores(wide, 1);
        QCOMPARE(windows.size(), 50);
        QCOMPARE(scores(wide, 1000000000000LL), windows);
    }

    // Raw SQL as an agent role: the contractor's own token applies, whatever it claims.
    void identityAppliesUnderRowLevelSecurity()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        conn.exec("SET ROLE agent_bm_refund");
        const db::PgResult r = conn.exec("SELECT chunk_index FROM app.bm25_leg('mbm', 1, '{role:staff}', "
                                         "'refund shipping warranty', 1.2, 0.75, 2000, 10)");
        QCOMPARE(r.rows(), 1);
        QCOMPARE(int(r.integer(0, 0)), 1);
        QCOMPARE(conn.exec("SELECT count(*) FROM app.bm25_leg('m01', 1, '{role:staff}', 'refund', 1.2, 0.75, 2000, 10)")
                     .integer(0, 0), 0);
        for (const char* table : {"SELECT count(*) FROM chunk_lexemes", "SELECT count(*) FROM chunk_lexical_totals",
                                  "SELECT count(*) FROM chunk_postings"}) {
            try {
                conn.exec(table);
                QFAIL(table);
            } catch (const db::DbError& error) {
                QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestBm25Leg)
#include "test_bm25_leg.moc"
