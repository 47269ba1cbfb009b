#include "agent/agent_directory.h"
#include "retrieval/plan_tree.h"
#include "retrieval/query_sql.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;
using retrieval::RetrievalOptions;

// EXPLAIN of exactly the statements that ran, parsed, with warnings.
class TestRetrievalPlan : public QObject {
    Q_OBJECT

    std::unique_ptr<db::PgConnection> conn_;

    retrieval::RetrievalResult explain(const QString& agentId, const QString& query, RetrievalOptions options)
    {
        options.explain = true;
        retrieval::Retriever retriever(*conn_);
        return retriever.retrieve({*agent::AgentDirectory(*conn_).byId(agentId), query, options});
    }

    static QStringList relationsScanned(const retrieval::PlanNode& root)
    {
        QStringList relations;
        retrieval::visitPlan(root, [&](const retrieval::PlanNode& n, int) {
            if (!n.relation.isEmpty() && !relations.contains(n.relation))
                relations << n.relation;
        });
        return relations;
    }

    static const retrieval::QueryPlan* plan(const retrieval::RetrievalResult& r, const char* leg)
    {
        for (const auto& p : r.plans)
            if (p.leg == QLatin1String(leg))
                return &p;
        return nullptr;
    }

    // A tenant large enough for its GIN indexes to pay off: 5,000 filler chunks, one in 500 with a
    // rare word, one in 100 readable by a contractor; a staff agent and that contractor. Loaded
    // with the graphs switched off (inserting into an HNSW graph row by row is the slow part).
    static constexpr const char* kLargeTenant = R"SQL(
        SELECT app.drop_chunk_graphs();
        INSERT INTO merchants (id, name, plan) VALUES ('mgin', 'Gin Co', 'pro');
        INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims,
                                     chunker_version, state) VALUES ('mgin', 1, 'hash', 'filler', 1536, 't', 'live');
        INSERT INTO support_documents (id, merchant_id, title, full_text, acl, content_hash)
            VALUES ('gin-doc', 'mgin', 'Filler', 'filler', '{role:staff}', 'h');
        INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, citation, chunk_text,
                            content_hash, token_count, embedding, embedding_model, chunker_version, acl)
        SELECT 'mgin', 1, 'document', 'gin-doc', g, '[Filler]',
               'filler text number ' || g || CASE WHEN g % 500 = 0 THEN ' zebra' ELSE '' END, 'h', 4,
               (SELECT array_agg(CASE WHEN i = 1 + g % 1536 THEN 1 ELSE 0 END)::vector FROM generate_series(1, 1536) i),
               'filler', 't', CASE WHEN g % 100 = 0 THEN '{role:staff,topic:rare}'::text[] ELSE '{role:staff}' END
        FROM generate_series(0, 4999) g;
        SELECT app.create_chunk_graphs();
        ANALYZE chunks;
        CREATE ROLE agent_gin NOLOGIN IN ROLE agent_console_agents;
        CREATE ROLE agent_gin_rare NOLOGIN IN ROLE agent_console_agents;
        INSERT INTO agents (id, merchant_id, display_name, kind, acl_tokens, db_role) VALUES
            ('gin-agent', 'mgin', 'Gin Agent', 'staff', '{role:staff}', 'agent_gin'),
            ('gin-contractor', 'mgin', 'Gin Contractor', 'contractor', '{topic:rare}', 'agent_gin_rare');
    )SQL";
    static constexpr const char* kDropLargeTenant = R"SQL(
        DELETE FROM agents WHERE merchant_id = 'mgin';
        DROP ROLE IF EXISTS agent_gin;
        DROP ROLE IF EXISTS agent_gin_rare;
        DELETE FROM merchants WHERE id = 'mgin';
    )SQL";
    bool largeTenantLoaded_ = false;
    void largeTenant()
    {
        if (!largeTenantLoaded_)
            test::TestDatabase::instance().connect().execScript(kLargeTenant);
        largeTenantLoaded_ = true;
    }

private slots:
    void cleanupTestCase()
    {
        if (largeTenantLoaded_)
            test::TestDatabase::instance().connect().execScript(kDropLargeTenant);
    }

    void initTestCase()
    {
        test::TestDatabase::instance().seedFixtures();
        conn_ = std::make_unique<db::PgConnection>(test::TestDatabase::instance().connect());
        conn_->exec("ANALYZE chunks");
    }

    void fixtureQueryPlanNamesItsIndexes_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<bool>("asAgentRole");
        QTest::newRow("alice") << "u1" << false;
        QTest::newRow("bob") << "u3" << false;
        QTest::newRow("alice under RLS") << "u1" << true;
        QTest::newRow("bob under RLS") << "u3" << true;
    }
    void fixtureQueryPlanNamesItsIndexes()
    {
        QFETCH(QString, agentId);
        QFETCH(bool, asAgentRole);
        if (asAgentRole)
            security::becomeAgent(*conn_, agentId);
        const auto result = explain(agentId, QStringLiteral("where is my refund"), {});
        conn_->exec("RESET ROLE");
        QVERIFY(result.planJson.has_value());
        QCOMPARE(result.plans.size(), size_t(2));

        const auto* vector = plan(result, "vector");
        QVERIFY(vector);
        QCOMPARE(vector->sql, QString::fromUtf8(retrieval::sql::kVectorLegExact));
        QCOMPARE(result.diagnostics.vectorPath, QStringLiteral("exact"));  // a tiny tenant
        // Only the merchant's own partition is read (by a scan or an index, the planner's choice).
        const QStringList relations = relationsScanned(vector->root);
        QCOMPARE(relations, QStringList{QStringLiteral("chunks_m_m01")});
        QVERIFY(vector->executionMs > 0);

        const auto* lexical = plan(result, "lexical");
        QVERIFY(lexical);
        // The postings of the query's lexemes, then the merchant's own partition by key (migration 020).
        QStringList lexicalRelations = relationsScanned(lexical->root);
        lexicalRelations.sort();
        QCOMPARE(lexicalRelations, (QStringList{QStringLiteral("chunk_postings"), QStringLiteral("chunks_m_m01")}));

        for (const auto& p : result.plans) {
            for (const QString& w : p.warnings)
                QVERIFY2(!w.startsWith("sequential scan"), qPrintable(w));
            QVERIFY(result.planJson->value(p.leg).isArray());
        }
    }

    // Under row-level security PostgreSQL never makes a non-leakproof qual such as `@@` an index
    // condition, so an agent's own full-text query filters every row of its tenant; the lexical
    // leg's function (migrations 013, 020) reads the postings of the query's lexemes and then the
    // best chunks by primary key.
    void agentLexicalLegReadsPostingsAndRowsByKey()
    {
        largeTenant();
        db::PgConnection agent = test::TestDatabase::instance().connect();
        agent.exec("SET ROLE agent_gin");
        const QString plain = agent.exec("EXPLAIN SELECT id FROM chunks WHERE merchant_id = 'mgin' AND corpus_version = 1 "
                                         "AND search_tsv @@ to_tsquery('english', 'zebra')").text(0, 0);
        const QString viaFunction = agent.exec("SELECT plan::text FROM app.explain_bm25_leg('mgin', 1, '{role:staff}', "
                                               "'zebra', 1.2, 0.75, 2000, 10)").text(0, 0);
        const int found = static_cast<int>(agent.exec("SELECT count(*) FROM app.bm25_leg('mgin', 1, '{role:staff}', 'zebra', "
                                                      "1.2, 0.75, 2000, 10)").integer(0, 0));
        QVERIFY2(!plain.contains(QLatin1String("search_tsv_idx")), qPrintable(plain));
        QVERIFY2(viaFunction.contains(QLatin1String("chunk_postings_pkey")), qPrintable(viaFunction));
        QStringList names;
        for (const auto& m : QRegularExpression(QStringLiteral("\"(Index Name|Relation Name|Node Type)\": \"([^\"]+)\"")).globalMatch(viaFunction))
            names << m.captured(2);
        QVERIFY2(viaFunction.contains(QLatin1String("chunks_m_mgin_pkey")), qPrintable(names.join(QLatin1Char(' '))));
        QVERIFY2(!viaFunction.contains(QLatin1String("Seq Scan")), qPrintable(viaFunction));
        QCOMPARE(found, 10);
    }

    // Likewise `acl && tokens` (not leakproof): an agent's own exact scan reads every row of the
    // partition; the exact path's function (migration 011) reads the acl index when the agent's
    // tokens are rare.
    void agentExactLegUsesTheAclIndex()
    {
        largeTenant();
        db::PgConnection agent = test::TestDatabase::instance().connect();
        agent.exec("SET ROLE agent_gin_rare");
        const QString query = QStringLiteral("(SELECT embedding FROM chunks WHERE merchant_id = 'mgin' LIMIT 1)");
        agent.exec("BEGIN");
        agent.exec("SET LOCAL enable_indexscan = off");  // as the exact path sets it: no graph
        const QString plain = agent.exec(QStringLiteral("EXPLAIN SELECT id FROM chunks WHERE merchant_id = 'mgin' "
                                                        "AND corpus_version = 1 AND acl && '{topic:rare}' "
                                                        "ORDER BY embedding <=> %1 LIMIT 10").arg(query)).text(0, 0);
        const QString viaFunction = agent.exec(QStringLiteral("SELECT app.explain_exact_vector_leg('mgin', 1, '{topic:rare}', %1, 10)::text")
                                                   .arg(query)).text(0, 0);
        agent.exec("COMMIT");
        const int found = static_cast<int>(agent.exec(QStringLiteral("SELECT count(*) FROM app.exact_vector_leg('mgin', 1, '{topic:rare}', %1, 100)")
                                                          .arg(query)).integer(0, 0));
        QVERIFY2(!plain.contains(QLatin1String("acl_idx")), qPrintable(plain));
        QVERIFY2(viaFunction.contains(QLatin1String("chunks_m_mgin_acl_idx")), qPrintable(viaFunction));
        QCOMPARE(found, 50);
    }

    // A contractor whose tokens' ACL graphs hold everything it may read searches those graphs
    // (migration 009), under row-level security, and still gets only its rows; an agent who reads
    // the whole tenant, or one with rows outside the graphs, keeps the merchant's graph.
    void aclGraphsServeContractors()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const QString index = owner.exec("SELECT app.create_acl_graph('m01', 'topic:refund', "
                                         "(SELECT embedding_dims FROM corpus_versions WHERE merchant_id = 'm01' AND state = 'live'))").text(0, 0);
        RetrievalOptions options;
        options.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        options.mode = retrieval::Mode::Vector;
        options.k = 5;

        security::becomeAgent(*conn_, QStringLiteral("u3"));
        const auto bob = explain(QStringLiteral("u3"), QStringLiteral("password reset"), options);
        const QString forged = conn_->exec("SELECT app.acl_graphs_for('agent_u1', 'm01', 1, ARRAY['role:staff'])::text").text(0, 0);
        conn_->exec("RESET ROLE");
        security::becomeAgent(*conn_, QStringLiteral("u1"));
        const auto alice = explain(QStringLiteral("u1"), QStringLiteral("password reset"), options);
        conn_->exec("RESET ROLE");
        owner.exec(QStringLiteral("DROP INDEX %1").arg(index));

        QCOMPARE(bob.diagnostics.vectorPath, QStringLiteral("hnsw-acl"));
        QCOMPARE(int(bob.chunks.size()), 5);
        for (const auto& c : bob.chunks) {
            QVERIFY2(c.sourceId != QLatin1String("d9") && c.sourceId != QLatin1String("t3"), qPrintable(c.sourceId));
            QVERIFY(c.acl.contains(QStringLiteral("topic:refund")));
        }
        const auto* graph = plan(bob, "vector_acl:topic:refund");
        QVERIFY(graph);
        QVERIFY2(retrieval::indexesUsed(graph->root).contains(index), qPrintable(retrieval::indexesUsed(graph->root).join(',')));
        for (const QString& w : graph->warnings)
            QVERIFY2(!w.startsWith("HNSW unused"), qPrintable(w));
        QCOMPARE(forged, QStringLiteral("{}"));  // another agent's graphs are nobody else's business
        QCOMPARE(alice.diagnostics.vectorPath, QStringLiteral("hnsw"));
    }

    void hnswPathUsesTheGraph()
    {
        RetrievalOptions options;
        options.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        options.mode = retrieval::Mode::Vector;
        const auto result = explain(QStringLiteral("u1"), QStringLiteral("where is my refund"), options);
        const auto* vector = plan(result, "vector");
        QVERIFY(vector);
        const QString graph = test::TestDatabase::instance().connect().exec(
            "SELECT app.chunk_graph_name('m01', embedding_dims) FROM corpus_versions WHERE merchant_id = 'm01' AND state = 'live'").text(0, 0);
        QVERIFY2(retrieval::indexesUsed(vector->root).contains(graph),
                 qPrintable(retrieval::indexesUsed(vector->root).join(',')));
        for (const QString& w : vector->warnings)
            QVERIFY2(!w.startsWith("HNSW unused"), qPrintable(w));
        QCOMPARE(result.diagnostics.vectorPath, QStringLiteral("hnsw"));
        QCOMPARE(result.diagnostics.iterativeScan, QStringLiteral("relaxed_order"));
    }

    // On a graph path the lexical leg's rows join the vector ranking by their exact distance
    // (sql::kSeedDistances), read as the agent: the ranking holds the exact path's similarities,
    // nearest first, and nothing the agent may not read.
    void graphRankingTakesLexicalSeeds()
    {
        RetrievalOptions exact;
        exact.vectorPath = RetrievalOptions::VectorPath::Exact;
        exact.mode = retrieval::Mode::Vector;
        exact.rerank = false;
        exact.k = exact.candidates = 100;
        RetrievalOptions hybrid;
        hybrid.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        hybrid.k = hybrid.candidates = 3;
        for (const QString& agentId : {QStringLiteral("u1"), QStringLiteral("u3")}) {
            security::becomeAgent(*conn_, agentId);
            const auto truth = explain(agentId, QStringLiteral("refund for order 4821"), exact);
            const auto seeded = explain(agentId, QStringLiteral("refund for order 4821"), hybrid);
            conn_->exec("RESET ROLE");
            QHash<qint64, double> similarity;
            for (const auto& hit : truth.diagnostics.vectorLegHits)
                similarity.insert(hit.chunkId, hit.similarity);
            QVERIFY2(seeded.diagnostics.widened  // an exact pass needs no seeds
                         || seeded.diagnostics.notes.filter(QStringLiteral("lexical rows re-scored by vector distance")).size() == 1,
                     qPrintable(seeded.diagnostics.notes.join(QLatin1Char('\n'))));
            QCOMPARE(seeded.diagnostics.vectorRanking.size(), size_t(3));
            QVERIFY(seeded.diagnostics.vectorLegHits.size() <= size_t(3));  // the graph's own, for the recall monitor
            double previous = 2.0;
            for (const auto& hit : seeded.diagnostics.vectorRanking) {
                QVERIFY2(similarity.contains(hit.chunkId), qPrintable(QString::number(hit.chunkId)));
                QVERIFY(qAbs(hit.similarity - similarity.value(hit.chunkId)) < 1e-6);
                QVERIFY(hit.similarity <= previous);
                previous = hit.similarity;
            }
        }
    }

    // A scope's planner estimates are asked for once and reused by the next retrievals of the
    // same merchant, version and tokens; another agent's tokens are another scope.
    void pathEstimatesAreReusedPerScope()
    {
        RetrievalOptions options;
        options.exactScanThreshold = 0;  // no exact counts: the estimates stand
        retrieval::Retriever retriever(*conn_);
        agent::AgentDirectory agents(*conn_);
        const auto notesOf = [&](const QString& agentId) {
            return retriever.retrieve({*agents.byId(agentId), QStringLiteral("refund"), options}).diagnostics.notes;
        };
        const QString reused = QStringLiteral("row counts are planner estimates (reused");
        QVERIFY(notesOf(QStringLiteral("u1")).filter(reused).isEmpty());
        QCOMPARE(notesOf(QStringLiteral("u1")).filter(reused).size(), 1);
        QVERIFY(notesOf(QStringLiteral("u3")).filter(reused).isEmpty());
    }

    void explainReplaysTheSameSettings()
    {
        // The plain-HNSW pass under-returns; its plan must show it, and the widened pass is explained too.
        RetrievalOptions options;
        options.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        options.mode = retrieval::Mode::Vector;
        options.iterativeScan = false;
        options.efSearch = 1;
        options.k = 5;
        const auto result = explain(QStringLiteral("u3"), QStringLiteral("refund"), options);
        const auto* first = plan(result, "vector");
        const auto* widened = plan(result, "vector_widened");
        QVERIFY(first && widened);
        QVERIFY(first->root.actualRows < 5);
        bool underReturned = false;
        for (const QString& w : first->warnings)
            underReturned = underReturned || w.startsWith("under-returned");
        QVERIFY(underReturned);
        QVERIFY(widened->root.actualRows > first->root.actualRows);
        QCOMPARE(widened->root.actualRows, double(result.diagnostics.vectorCandidates));
        QCOMPARE(result.diagnostics.settings.value("vector_settings").toObject().value("hnsw.ef_search").toString(),
                 QStringLiteral("1"));
    }

    void lexicalLegSearchesCommonTerms()
    {
        // "refund" is in most of the fixtures' chunks: BM25 still searches it (low idf) beside the
        // order number, and the order's ticket comes first.
        RetrievalOptions options;
        options.mode = retrieval::Mode::Lexical;
        options.k = 1;
        const auto result = explain(QStringLiteral("u1"), QStringLiteral("refund for order 4821"), options);
        QVERIFY2(result.diagnostics.lexicalQuery.contains("refund"), qPrintable(result.diagnostics.lexicalQuery));
        QCOMPARE(result.chunks.front().sourceId, QStringLiteral("t1"));
        const auto lexical = std::find_if(result.plans.begin(), result.plans.end(),
                                          [](const retrieval::QueryPlan& p) { return p.leg == QLatin1String("lexical"); });
        QVERIFY(lexical != result.plans.end());
        QVERIFY(lexical->root.actualRows >= 1);
    }

    void staleStatisticsAreReported()
    {
        db::PgConnection writer = test::TestDatabase::instance().connect();
        // Statistics say nothing about the table until the next ANALYZE.
        writer.exec("SELECT pg_stat_reset_single_table_counters(to_regclass(app.chunk_partition_name('m01')))");
        const auto result = explain(QStringLiteral("u1"), QStringLiteral("refund"), {});
        bool stale = false;
        for (const auto& p : result.plans)
            for (const QString& w : p.warnings)
                stale = stale || w.startsWith("stale statistics");
        QVERIFY(stale);
        writer.exec("ANALYZE chunks");
    }
};

QTEST_GUILESS_MAIN(TestRetrievalPlan)
#include "test_retrieval_plan.moc"
