// Randomised tenant and ACL isolation under row-level security (issue 6): many merchants, agents
// with varied ACLs, thousands of chunks and tickets; random queries through the product's
// Retriever and through raw SQL as each agent's own login, plus escape attempts. The number of
// rows returned that the agent may not read must be zero. Set AGENT_CONSOLE_ISOLATION_SEED to
// replay a run.
#include "db/db_error.h"
#include "ingest/hash_embedder.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "security/role_provisioner.h"
#include "support/test_database.h"

#include <QHash>
#include <QMap>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QRandomGenerator>
#include <QSet>
#include <QtTest>

#include <climits>
#include <tuple>

using namespace ac;

namespace {

constexpr int kMerchants = 8;
constexpr int kAgentsPerMerchant = 4;
constexpr int kDocumentsPerMerchant = 40;
constexpr int kTicketsPerMerchant = 150;
constexpr int kRounds = 400;

const QStringList kTokens{"role:staff", "topic:refund", "topic:billing", "topic:shipping", "team:a", "team:b"};
const QStringList kWords{"refund", "shipping", "password", "invoice", "widget", "delivery", "account", "billing"};

constexpr const char* kInsertMerchants =
    "INSERT INTO merchants (id, name, plan) SELECT m, 'Merchant ' || m, 'pro' FROM unnest($1::text[]) AS m";
constexpr const char* kInsertCorpus =
    "INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims, "
    " chunker_version, state, embedding_version) "
    "SELECT m, 1, $2, $3, $4, 'iso', 'live', $5 FROM unnest($1::text[]) AS m";
constexpr const char* kInsertAgents =
    "INSERT INTO agents (id, merchant_id, display_name, kind, acl_tokens, db_role) "
    "SELECT a, m, a, 'contractor', string_to_array(t, ','), a FROM unnest($1::text[], $2::text[], $3::text[]) AS x(a, m, t)";
constexpr const char* kInsertCustomers =
    "INSERT INTO customers (merchant_id, id, name) SELECT m, 'c1', 'Customer' FROM unnest($1::text[]) AS m";
constexpr const char* kInsertDocuments =
    "INSERT INTO support_documents (id, merchant_id, title, full_text, acl, content_hash) "
    "SELECT d, m, 'Doc ' || d, 'text of ' || d, string_to_array(t, ','), md5(d) "
    "FROM unnest($1::text[], $2::text[], $3::text[]) AS x(d, m, t)";
constexpr const char* kInsertTickets =
    "INSERT INTO tickets (id, merchant_id, customer_id, text, status, acl) "
    "SELECT d, m, 'c1', 'ticket ' || d, 'open', string_to_array(t, ',') "
    "FROM unnest($1::text[], $2::text[], $3::text[]) AS x(d, m, t)";
constexpr const char* kInsertMessages =
    "INSERT INTO ticket_messages (ticket_id, seq, author, body) "
    "SELECT id, s, CASE WHEN s = 1 THEN 'customer' ELSE 'agent' END, 'message ' || s || ' of ' || id "
    "FROM tickets, generate_series(1, 2) AS s WHERE merchant_id LIKE 'iso%'";
// Random unit-free vectors and a few vocabulary words per chunk; the ACL is the source's.
constexpr const char* kInsertChunks =
    "INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, ticket_id, chunk_index, citation, "
    " chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, acl) "
    "SELECT s.merchant_id, 1, s.kind, s.doc, s.ticket, i, '[' || coalesce(s.doc, s.ticket) || ']', "
    "       w[1 + floor(random() * 8)::int] || ' ' || w[1 + floor(random() * 8)::int] || ' about ' || coalesce(s.doc, s.ticket), "
    "       md5(coalesce(s.doc, s.ticket) || i), 8, "
    "       (SELECT array_agg(random() - 0.5) FROM generate_series(1, 1536) WHERE i >= 0)::vector, $1, 'iso', s.acl "
    "FROM (SELECT merchant_id, 'document' AS kind, id AS doc, NULL::text AS ticket, acl, 3 AS n FROM support_documents "
    "      UNION ALL SELECT merchant_id, 'ticket', NULL, id, acl, 2 FROM tickets) AS s, "
    "     generate_series(0, s.n - 1) AS i, "
    "     (SELECT ARRAY['refund','shipping','password','invoice','widget','delivery','account','billing']) AS v(w) "
    "WHERE s.merchant_id LIKE 'iso%'";

struct Agent {
    QString id;
    QString merchant;
    QStringList tokens;
    QString password;
};

struct Row {
    QString merchant;
    QStringList acl;  // empty for merchant-only tables
};

QStringList randomAcl(QRandomGenerator& rng, const QStringList& agentIds)
{
    QStringList acl;
    for (const QString& t : kTokens)
        if (rng.bounded(100) < 25)
            acl << t;
    if (rng.bounded(100) < 30)
        acl << agentIds[rng.bounded(agentIds.size())];
    if (acl.isEmpty())
        acl << kTokens[rng.bounded(kTokens.size())];
    return acl;
}

bool overlaps(const QStringList& a, const QStringList& b)
{
    for (const QString& x : a)
        if (b.contains(x))
            return true;
    return false;
}

} // namespace

class TestSecurityIsolation : public QObject {
    Q_OBJECT

    QRandomGenerator rng_;
    std::vector<Agent> agents_;
    std::vector<security::AgentSession> sessions_;  // each agent's own SCRAM login
    QHash<QString, Row> chunks_, tickets_, documents_;
    std::unique_ptr<ingest::Embedder> embedder_;
    qint64 returned_ = 0;
    qint64 forbidden_ = 0;
    QHash<QString, qint64> perPath_;

    bool mayRead(const Agent& agent, const Row& row) const
    {
        return row.merchant == agent.merchant && overlaps(row.acl, agent.tokens);
    }

    void count(const QString& path, const Agent& agent, const QHash<QString, Row>& truth, const QStringList& ids)
    {
        for (const QString& id : ids) {
            ++returned_;
            ++perPath_[path];
            const auto found = truth.constFind(id);
            if (found == truth.cend() ? true : !mayRead(agent, *found)) {
                ++forbidden_;
                qWarning("LEAK via %s: agent %s saw %s", qPrintable(path), qPrintable(agent.id), qPrintable(id));
            }
        }
    }

    static QStringList ids(const db::PgResult& r)
    {
        QStringList out;
        for (int i = 0; i < r.rows(); ++i)
            out << r.text(i, 0);
        return out;
    }

    int expectedVisible(const Agent& agent, const QHash<QString, Row>& truth) const
    {
        int n = 0;
        for (const Row& row : truth)
            n += mayRead(agent, row) ? 1 : 0;
        return n;
    }

private slots:
    void initTestCase()
    {
        const quint32 seed = qEnvironmentVariableIsSet("AGENT_CONSOLE_ISOLATION_SEED")
                                 ? qEnvironmentVariableIntValue("AGENT_CONSOLE_ISOLATION_SEED")
                                 : QRandomGenerator::global()->generate();
        qInfo("isolation seed %u", seed);
        rng_.seed(seed);
        embedder_ = std::make_unique<ingest::HashEmbedder>();
        const ingest::EmbeddingSpec spec = embedder_->spec();

        QStringList merchants, agentIds, agentMerchants, agentTokens;
        for (int m = 1; m <= kMerchants; ++m) {
            merchants << QStringLiteral("iso_m%1").arg(m);
            for (int a = 1; a <= kAgentsPerMerchant; ++a)
                agentIds << QStringLiteral("iso_m%1_a%2").arg(m).arg(a);
        }
        for (const QString& id : agentIds) {
            Agent agent;
            agent.id = id;
            agent.merchant = id.section(QLatin1Char('_'), 0, 1);
            agent.tokens << id;
            for (const QString& t : kTokens)
                if (rng_.bounded(100) < 30)
                    agent.tokens << t;
            agent.password = QString::number(rng_.generate64(), 36) + QStringLiteral("'\\ x");
            agentMerchants << agent.merchant;
            agentTokens << agent.tokens.join(QLatin1Char(','));
            agents_.push_back(agent);
        }
        QStringList docIds, docMerchants, docAcls, ticketIds, ticketMerchants, ticketAcls;
        for (const QString& m : merchants) {
            for (int d = 0; d < kDocumentsPerMerchant; ++d) {
                docIds << QStringLiteral("%1_d%2").arg(m).arg(d);
                docMerchants << m;
                docAcls << randomAcl(rng_, agentIds).join(QLatin1Char(','));
                documents_.insert(docIds.last(), {m, docAcls.last().split(QLatin1Char(','))});
            }
            for (int t = 0; t < kTicketsPerMerchant; ++t) {
                ticketIds << QStringLiteral("%1_t%2").arg(m).arg(t);
                ticketMerchants << m;
                ticketAcls << randomAcl(rng_, agentIds).join(QLatin1Char(','));
                tickets_.insert(ticketIds.last(), {m, ticketAcls.last().split(QLatin1Char(','))});
            }
        }

        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("SELECT app.drop_chunk_graphs()");  // built once after the load, faster
        db::Transaction tx(owner);
        owner.exec(kInsertMerchants, db::PgParams().addTextArray(merchants));
        owner.exec(kInsertCorpus, db::PgParams().addTextArray(merchants).add(spec.provider).add(spec.model).add(spec.dims).add(spec.version));
        owner.exec(kInsertAgents, db::PgParams().addTextArray(agentIds).addTextArray(agentMerchants).addTextArray(agentTokens));
        owner.exec(kInsertCustomers, db::PgParams().addTextArray(merchants));
        owner.exec(kInsertDocuments, db::PgParams().addTextArray(docIds).addTextArray(docMerchants).addTextArray(docAcls));
        owner.exec(kInsertTickets, db::PgParams().addTextArray(ticketIds).addTextArray(ticketMerchants).addTextArray(ticketAcls));
        owner.exec(kInsertMessages);
        owner.exec("SELECT setseed($1)", db::PgParams().add(double(seed % 1000) / 1000.0));
        owner.exec(kInsertChunks, db::PgParams().add(spec.model));
        for (const Agent& agent : agents_)
            security::provisionAgentRole(owner, agent.id, agent.password);
        tx.commit();
        owner.exec("SELECT app.create_chunk_graphs()");
        owner.exec("ANALYZE");

        const db::PgResult all = owner.exec("SELECT id, merchant_id, acl FROM chunks");
        for (int i = 0; i < all.rows(); ++i)
            chunks_.insert(all.text(i, 0), {all.text(i, 1), all.textArray(i, 2)});
        qInfo("%d merchants, %zu agents, %lld documents, %lld tickets, %lld chunks", kMerchants, agents_.size(),
              qint64(documents_.size()), qint64(tickets_.size()), qint64(chunks_.size()));
        QVERIFY(chunks_.size() >= 3000);

        for (const Agent& agent : agents_) {
            security::AgentLogin how;
            how.agent = agent.id;
            how.password = agent.password;
            sessions_.push_back(security::openAgentSession(test::TestDatabase::instance().conninfo(), how));
            QCOMPARE(sessions_.back().identity.merchantId, agent.merchant);
            QCOMPARE(QSet<QString>(sessions_.back().identity.aclTokens.begin(), sessions_.back().identity.aclTokens.end()),
                     QSet<QString>(agent.tokens.begin(), agent.tokens.end()));
        }
    }

    // Full reads of every table: exactly the rows the agent may read, no more and no fewer.
    void tableReadsAreExact()
    {
        for (size_t a = 0; a < agents_.size(); ++a) {
            const Agent& agent = agents_[a];
            db::PgConnection& c = sessions_[a].connection;
            const QStringList chunkIds = ids(c.exec("SELECT id FROM chunks"));
            count(QStringLiteral("sql:chunks"), agent, chunks_, chunkIds);
            QCOMPARE(chunkIds.size(), expectedVisible(agent, chunks_));
            const QStringList ticketIds = ids(c.exec("SELECT id FROM tickets"));
            count(QStringLiteral("sql:tickets"), agent, tickets_, ticketIds);
            QCOMPARE(ticketIds.size(), expectedVisible(agent, tickets_));
            const QStringList documentIds = ids(c.exec("SELECT id FROM support_documents"));
            count(QStringLiteral("sql:documents"), agent, documents_, documentIds);
            QCOMPARE(documentIds.size(), expectedVisible(agent, documents_));
            count(QStringLiteral("sql:ticket_messages"), agent, tickets_, ids(c.exec("SELECT ticket_id FROM ticket_messages")));
            for (const char* sql : {"SELECT merchant_id FROM agents", "SELECT merchant_id FROM customers",
                                    "SELECT merchant_id FROM corpus_versions", "SELECT id FROM merchants"}) {
                for (const QString& merchant : ids(c.exec(sql))) {
                    ++returned_;
                    ++perPath_[QStringLiteral("sql:merchant tables")];
                    if (merchant != agent.merchant)
                        ++forbidden_;
                }
            }
        }
        QCOMPARE(forbidden_, 0);
    }

    void randomQueriesLeakNothing()
    {
        int errors = 0;
        for (int round = 0; round < kRounds; ++round) {
            const int a = rng_.bounded(int(agents_.size()));
            const Agent& agent = agents_[size_t(a)];
            const Agent& other = agents_[size_t(rng_.bounded(int(agents_.size())))];
            db::PgConnection& c = sessions_[size_t(a)].connection;
            const QString word = kWords[rng_.bounded(kWords.size())];
            const int k = 1 + rng_.bounded(40);
            switch (rng_.bounded(7)) {
            case 0: {  // the product API with the server-derived identity
                retrieval::Retriever retriever(c, *embedder_);
                retrieval::RetrievalRequest request;
                request.agent = sessions_[size_t(a)].identity;
                request.query = word + QStringLiteral(" order ") + QString::number(round);
                request.options.k = k;
                request.options.mode = retrieval::Mode(rng_.bounded(3));
                QStringList got;
                for (const retrieval::RetrievedChunk& chunk : retriever.retrieve(request).chunks)
                    got << QString::number(chunk.chunkId);
                count(QStringLiteral("api:retrieve"), agent, chunks_, got);
                break;
            }
            case 1: {  // the product API with a forged identity: another merchant's id and tokens
                retrieval::Retriever retriever(c, *embedder_);
                retrieval::RetrievalRequest request;
                request.agent = sessions_[size_t(a)].identity;
                request.agent.merchantId = other.merchant;
                request.agent.aclTokens = other.tokens + kTokens;
                request.query = word;
                request.options.k = k;
                try {
                    QStringList got;
                    for (const retrieval::RetrievedChunk& chunk : retriever.retrieve(request).chunks)
                        got << QString::number(chunk.chunkId);
                    count(QStringLiteral("api:forged identity"), agent, chunks_, got);
                } catch (const db::DbError& error) {
                    QCOMPARE(error.sqlstate(), QStringLiteral("42501"));  // the audit refuses the claim
                    ++errors;
                }
                break;
            }
            case 2: {  // raw nearest neighbours with no filters at all
                c.exec("BEGIN");
                c.exec("SET LOCAL hnsw.iterative_scan = relaxed_order");
                const QStringList got = ids(c.exec(
                    "SELECT id FROM chunks WHERE embedding_dims = 1536 "
                    "ORDER BY embedding::halfvec(1536) <=> (SELECT embedding::halfvec(1536) FROM chunks LIMIT 1) LIMIT $1",
                    db::PgParams().add(k)));
                c.exec("COMMIT");
                count(QStringLiteral("sql:vector unfiltered"), agent, chunks_, got);
                break;
            }
            case 3: {  // explicit filters naming another merchant and every token
                const QStringList got = ids(c.exec(
                    "SELECT id FROM chunks WHERE merchant_id = $1 AND acl && $2::text[] AND embedding_dims = 1536 "
                    "ORDER BY embedding::halfvec(1536) <=> (SELECT embedding::halfvec(1536) FROM chunks LIMIT 1) LIMIT $3",
                    db::PgParams().add(other.merchant).addTextArray(other.tokens + kTokens).add(k)));
                count(QStringLiteral("sql:vector forged filter"), agent, chunks_, got);
                break;
            }
            case 4: {  // lexical search
                const QStringList got = ids(c.exec(
                    "SELECT id FROM chunks WHERE search_tsv @@ plainto_tsquery('english', $1) LIMIT $2",
                    db::PgParams().add(word).add(k)));
                count(QStringLiteral("sql:lexical"), agent, chunks_, got);
                break;
            }
            case 5: {  // tickets of another merchant, by id, with joins
                const QStringList got = ids(c.exec(
                    "SELECT t.id FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id "
                    "WHERE t.merchant_id = $1 OR t.id LIKE $2",
                    db::PgParams().add(other.merchant).add(other.merchant + QStringLiteral("%"))));
                count(QStringLiteral("sql:tickets forged"), agent, tickets_, got);
                break;
            }
            default: {  // an escape attempt, then a read to prove the session stayed itself
                const QString attempt = QStringList{
                    QStringLiteral("SET ROLE \"%1\"").arg(other.id),
                    QStringLiteral("SELECT set_config('role', '%1', false)").arg(other.id),
                    QStringLiteral("SET SESSION AUTHORIZATION \"%1\"").arg(other.id),
                    QStringLiteral("SELECT * FROM retrieval_audit"),
                    QStringLiteral("ALTER TABLE chunks DISABLE ROW LEVEL SECURITY"),
                    QStringLiteral("UPDATE chunks SET acl = '{%1}' WHERE true").arg(agent.id),
                }[rng_.bounded(6)];
                if (other.id != agent.id) {
                    try {
                        c.exec(attempt);
                        QFAIL(qPrintable(QStringLiteral("accepted: ") + attempt));
                    } catch (const db::DbError& error) {
                        QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
                        ++errors;
                    }
                }
                c.exec("SELECT set_config('app.merchant_id', $1, false)", db::PgParams().add(other.merchant));
                const QStringList got = ids(c.exec("SELECT id FROM chunks WHERE merchant_id = $1",
                                                   db::PgParams().add(other.merchant)));
                count(QStringLiteral("sql:after escape attempt"), agent, chunks_, got);
                break;
            }
            }
        }
        for (auto it = perPath_.cbegin(); it != perPath_.cend(); ++it)
            qInfo("%-28s %lld rows returned", qPrintable(it.key()), it.value());
        qInfo("ISOLATION: %lld rows returned over %d rounds and %zu full-table passes, %lld not readable by the agent, "
              "%d attempts refused",
              returned_, kRounds, agents_.size(), forbidden_, errors);
        QCOMPARE(forbidden_, 0);
        QVERIFY(returned_ > 10000);
    }

    // RLS is ANDed with the query's own filters; the HNSW index must still be chosen and iterative
    // scans must still fill k.
    void hnswStillUsedUnderRls()
    {
        // The agent with the fewest readable chunks: the most filtering.
        size_t pick = 0;
        int fewest = INT_MAX;
        for (size_t a = 0; a < agents_.size(); ++a) {
            const int n = expectedVisible(agents_[a], chunks_);
            if (n >= 20 && n < fewest) {
                fewest = n;
                pick = a;
            }
        }
        const Agent& agent = agents_[pick];
        db::PgConnection& c = sessions_[pick].connection;
        const int k = 20;
        auto run = [&](const char* iterative, bool explain) {
            c.exec("BEGIN");
            for (const auto& [name, value] : std::vector<std::pair<const char*, const char*>>{
                     {"enable_seqscan", "off"}, {"enable_bitmapscan", "off"}, {"enable_sort", "off"},
                     {"hnsw.ef_search", "40"}, {"hnsw.iterative_scan", iterative}, {"hnsw.max_scan_tuples", "20000"}})
                c.exec("SELECT set_config($1, $2, true)", db::PgParams().add(name).add(value));
            const QString sql = QStringLiteral("%1SELECT id FROM chunks WHERE merchant_id = $1 AND corpus_version = 1 "
                                               "AND acl && $2::text[] AND embedding_dims = 1536 ORDER BY embedding::halfvec(1536) <=> "
                                               "(SELECT embedding::halfvec(1536) FROM chunks WHERE merchant_id = $1 LIMIT 1) LIMIT $3")
                                    .arg(explain ? QStringLiteral("EXPLAIN (COSTS OFF) ") : QString());
            const db::PgResult r = c.exec(sql, db::PgParams().add(agent.merchant).addTextArray(agent.tokens).add(k));
            c.exec("COMMIT");
            QStringList out;
            for (int i = 0; i < r.rows(); ++i)
                out << r.text(i, 0);
            return out;
        };
        const QString plan = run("relaxed_order", true).join(QLatin1Char('\n'));
        qInfo("agent %s may read %d of %lld chunks; plan under RLS:\n%s", qPrintable(agent.id), fewest,
              qint64(chunks_.size()), qPrintable(plan));
        QVERIFY2(plan.contains(QRegularExpression(QStringLiteral("Index Scan using chunks_m_\\w+_embedding_idx"))),
                 qPrintable(plan));
        const QStringList relaxed = run("relaxed_order", false);
        const QStringList off = run("off", false);
        qInfo("k=%d under RLS: iterative_scan=relaxed_order returned %lld rows, off returned %lld", k,
              qint64(relaxed.size()), qint64(off.size()));
        QCOMPARE(relaxed.size(), k);
        count(QStringLiteral("sql:hnsw iterative"), agent, chunks_, relaxed + off);
        QCOMPARE(forbidden_, 0);

        // The product's HNSW path, with its own EXPLAIN, under RLS.
        retrieval::Retriever retriever(c, *embedder_);
        retrieval::RetrievalRequest request;
        request.agent = sessions_[pick].identity;
        request.query = QStringLiteral("refund for my widget");
        request.options.k = k;
        request.options.mode = retrieval::Mode::Vector;
        request.options.vectorPath = retrieval::RetrievalOptions::VectorPath::Hnsw;
        request.options.explain = true;
        request.options.rerank = false;
        const retrieval::RetrievalResult result = retriever.retrieve(request);
        QCOMPARE(int(result.chunks.size()), k);
        QVERIFY(!result.plans.empty());
        QString raw = QString::fromUtf8(QJsonDocument(result.plans.front().raw).toJson(QJsonDocument::Compact));
        QVERIFY2(raw.contains(QLatin1String("_embedding_idx")), qPrintable(raw.left(2000)));
    }

    // What RLS (and the audit write) cost the product's retrieval: the same requests on the agent's
    // own login and on the owner's connection (no RLS, audited on behalf). Reported, not asserted.
    void rlsOverhead()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        for (size_t a : {size_t(0), agents_.size() / 2}) {
            retrieval::Retriever underRls(sessions_[a].connection, *embedder_);
            retrieval::Retriever asOwner(owner, *embedder_);
            std::vector<double> rls, plain;
            QMap<QString, double> rlsStages, plainStages;
            constexpr int kRuns = 61;
            // Interleaved, so load from other processes hits both sides alike.
            for (int i = 0; i < kRuns; ++i) {
                retrieval::RetrievalRequest request{sessions_[a].identity,
                                                    kWords[i % kWords.size()] + QStringLiteral(" question"), {}};
                request.options.k = 5;
                for (auto [retriever, ms, stages] : {std::tuple{&underRls, &rls, &rlsStages}, std::tuple{&asOwner, &plain, &plainStages}}) {
                    QElapsedTimer t;
                    t.start();
                    const retrieval::RetrievalResult result = retriever->retrieve(request);
                    ms->push_back(t.nsecsElapsed() / 1e6);
                    for (const retrieval::StageTiming& stage : result.diagnostics.timings)
                        (*stages)[stage.stage] += stage.ms / kRuns;
                }
            }
            auto describe = [](std::vector<double>& ms, const QMap<QString, double>& stages) {
                std::sort(ms.begin(), ms.end());
                QString out = QStringLiteral("%1 ms (mean per stage:").arg(ms[ms.size() / 2], 0, 'f', 2);
                for (auto it = stages.cbegin(); it != stages.cend(); ++it)
                    out += QStringLiteral(" %1 %2").arg(it.key()).arg(it.value(), 0, 'f', 2);
                return out + QLatin1Char(')');
            };
            qInfo("hybrid retrieval k=5, median of %d interleaved, agent %s: under RLS %s; owner without RLS %s", kRuns,
                  qPrintable(agents_[a].id), qPrintable(describe(rls, rlsStages)), qPrintable(describe(plain, plainStages)));
        }
    }

    // ts_match_vq (@@) and arrayoverlap (&&) are not LEAKPROOF, so under RLS the query's own @@
    // cannot become an index condition; the policy's quals can. Recorded for docs/SECURITY.md.
    void lexicalPlanUnderRls()
    {
        const char* sql = "EXPLAIN (COSTS OFF) SELECT id FROM chunks WHERE merchant_id = $1 AND corpus_version = 1 "
                          "AND acl && $2::text[] AND search_tsv @@ to_tsquery('english', 'refund | invoice') LIMIT 50";
        const Agent& agent = agents_.front();
        auto plan = [&](db::PgConnection& c) {
            QStringList lines;
            const db::PgResult r = c.exec(sql, db::PgParams().add(agent.merchant).addTextArray(agent.tokens));
            for (int i = 0; i < r.rows(); ++i)
                lines << r.text(i, 0);
            return lines.join(QLatin1Char('\n'));
        };
        db::PgConnection owner = test::TestDatabase::instance().connect();
        qInfo("lexical leg, owner (no RLS):\n%s", qPrintable(plan(owner)));
        const QString agentPlan = plan(sessions_.front().connection);
        qInfo("lexical leg, agent %s (RLS):\n%s", qPrintable(agent.id), qPrintable(agentPlan));
        QVERIFY(agentPlan.contains(QLatin1String("chunks")));

    }

    void cleanupTestCase() { sessions_.clear(); }
};

QTEST_GUILESS_MAIN(TestSecurityIsolation)
#include "test_security_isolation.moc"
