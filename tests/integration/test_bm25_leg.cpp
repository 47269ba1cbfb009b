// The BM25 lexical leg (migration 013): scores against a hand-computed example, term statistics
// kept right by every kind of write, MaxScore pruning that never changes the top k, and the
// caller's identity applied under row-level security.
#include "db/db_error.h"
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

// Rows of the kept statistics that differ from a recomputation from the chunks themselves.
constexpr const char* kStatisticsDrift = R"SQL(
    WITH fresh AS (SELECT c.merchant_id, c.corpus_version, u.lexeme, count(*) AS chunks
                   FROM chunks c CROSS JOIN LATERAL unnest(c.search_tsv) AS u GROUP BY 1, 2, 3),
         kept AS (SELECT merchant_id, corpus_version, lexeme, chunks FROM chunk_lexemes WHERE chunks > 0),
         fresh_totals AS (SELECT merchant_id, corpus_version, count(*) AS chunks,
                                 sum(app.tsvector_tokens(search_tsv)) AS tokens FROM chunks GROUP BY 1, 2),
         kept_totals AS (SELECT merchant_id, corpus_version, chunks, tokens FROM chunk_lexical_totals WHERE chunks > 0)
    SELECT (SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept)
                                  UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) AS d)
         + (SELECT count(*) FROM ((SELECT * FROM fresh_totals EXCEPT SELECT * FROM kept_totals)
                                  UNION ALL (SELECT * FROM kept_totals EXCEPT SELECT * FROM fresh_totals)) AS t)
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
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
        owner.exec("BEGIN");
        owner.exec("INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, citation, "
                   "chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, acl) "
                   "SELECT 'mbm', 1, 'document', 'bm-doc', 10 + g, '[Doc]', 'new words ' || g, 'h', 3, "
                   "array_fill(0.1::real, '{1536}')::vector, 'test', 't', '{role:staff}' FROM generate_series(1, 20) g");
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
        owner.exec("UPDATE chunks SET chunk_text = 'refund refund refund' WHERE merchant_id = 'mbm' AND chunk_index = 3");
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
        owner.exec("DELETE FROM chunks WHERE merchant_id = 'mbm' AND chunk_index > 15");
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
        // A re-embed: the next version beside the live one, then the old version goes (cascade).
        owner.exec("INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims, "
                   "chunker_version, state) VALUES ('mbm', 2, 'hash', 'test2', 1536, 't', 'building')");
        owner.exec("INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, citation, "
                   "chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, acl) "
                   "SELECT merchant_id, 2, source_type, document_id, chunk_index, citation, chunk_text, content_hash, "
                   "token_count, embedding, 'test2', chunker_version, acl FROM chunks WHERE merchant_id = 'mbm'");
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
        owner.exec("DELETE FROM corpus_versions WHERE merchant_id = 'mbm' AND version = 1");
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
        QCOMPARE(owner.exec("SELECT count(*) FROM chunk_lexemes WHERE merchant_id = 'mbm' AND corpus_version = 1").integer(0, 0), 0);
        // Deleting the source document cascades to its chunks.
        owner.exec("DELETE FROM support_documents WHERE id = 'bm-doc'");
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
        owner.exec("ROLLBACK");
        QCOMPARE(owner.exec(kStatisticsDrift).integer(0, 0), 0);
    }

    // Whatever the first pass reads, the top k is the one scoring every match gives.
    void pruningNeverChangesTheTopK()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("SET ROLE agent_u1");
        for (const char* query : {"refund for order 4821 never arrived", "password reset", "blue widget refund policy",
                                  "how long does shipping take", "refund"}) {
            const auto ranking = [&](int firstPassRows) {
                QStringList out;
                const db::PgResult r = owner.exec("SELECT id, score FROM app.bm25_leg('m01', 1, '{}', $1, 1.2, 0.75, $2, 3)",
                                                  db::PgParams().add(QString::fromUtf8(query)).add(firstPassRows));
                for (int i = 0; i < r.rows(); ++i)
                    out << r.text(i, "id") + QLatin1Char('=') + QString::number(r.real(i, "score"), 'f', 5);
                return out;
            };
            QCOMPARE(ranking(1), ranking(1000000));
        }
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
        for (const char* table : {"SELECT count(*) FROM chunk_lexemes", "SELECT count(*) FROM chunk_lexical_totals"}) {
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
