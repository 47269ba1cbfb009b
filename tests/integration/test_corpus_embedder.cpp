#include "db/db_error.h"
#include "ingest/corpus_embedder.h"
#include "ingest/corpus_model_store.h"
#include "ingest/corpus_training.h"
#include "ingest/corpus_version.h"
#include "ingest/ingestor.h"
#include "ingest/prepared_source.h"
#include "ingest_test_helpers.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "support/test_database.h"

#include <QtTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace ac;
using ac::test::makeDocument;

// The offline default: each merchant's model is trained on its own corpus, stored with its
// checksum, and every query is embedded with the model of the version it searches.
class TestCorpusEmbedder : public QObject {
    Q_OBJECT

    db::PgConnection conn_ = test::TestDatabase::instance().connect();

    static security::AgentSession session(const char* agent)
    {
        return security::openAgentSession(test::TestDatabase::instance().conninfo(),
                                          {security::AgentLogin::Method::OwnerSetRole, QString::fromLatin1(agent), QString()});
    }

    static retrieval::AgentIdentity staff(const QString& merchant)
    {
        return {QStringLiteral("staff"), merchant, QStringLiteral("Staff"), QStringLiteral("staff"), {QStringLiteral("role:staff")}};
    }

private slots:
    void initTestCase() { test::TestDatabase::instance().seedFixtures(); }

    void fixturesAreEmbeddedWithTheirMerchantsModel()
    {
        const db::PgResult live = conn_.exec(
            "SELECT v.embedding_provider, v.embedding_dims, v.embedding_version, "
            "  (SELECT count(*) FROM chunks c WHERE c.merchant_id = v.merchant_id AND c.corpus_version = v.version "
            "   AND (c.embedding_version <> v.embedding_version OR vector_dims(c.embedding) <> 384)), "
            "  (SELECT count(*) FROM embedding_models m WHERE m.merchant_id = v.merchant_id AND m.checksum = v.embedding_version) "
            "FROM corpus_versions v WHERE v.merchant_id = 'm01' AND v.state = 'live'");
        QCOMPARE(live.text(0, 0), QStringLiteral("corpus"));
        QCOMPARE(live.integer(0, 1), qint64(384));
        QCOMPARE(live.text(0, 2).size(), 64);
        QCOMPARE(live.integer(0, 3), qint64(0));  // every chunk from that model, at its dimensions
        QCOMPARE(live.integer(0, 4), qint64(1));
        // The database checks a stored model against its checksum.
        QVERIFY_THROWS_EXCEPTION(db::DbError, conn_.exec(
            "INSERT INTO embedding_models (merchant_id, checksum, model_name, dims, vocabulary_size, training_texts, "
            "training_seconds, model, vocabulary) VALUES ('m01', repeat('0', 64), 'x', 4, 0, 0, 0, '\\x00', '\\x00')"));
    }

    // An agent embeds its own queries, so it reads its merchant's models; not their vocabulary
    // (words of material it may not read), and nothing of another merchant's.
    void agentsReadTheirMerchantsModelsButNotTheVocabulary()
    {
        security::AgentSession bob = session("u3");
        QVERIFY(bob.connection.exec("SELECT count(model) FROM embedding_models WHERE merchant_id = 'm01'").integer(0, 0) >= 1);
        QCOMPARE(bob.connection.exec("SELECT count(*) FROM embedding_models WHERE merchant_id <> 'm01'").integer(0, 0), qint64(0));
        try {
            bob.connection.exec("SELECT vocabulary FROM embedding_models");
            QFAIL("an agent read a model's vocabulary");
        } catch (const db::DbError& e) {
            QCOMPARE(e.sqlstate(), QStringLiteral("42501"));
        }
    }

    // A first load trains before it writes: one version, embedded once.
    void aFirstLoadTrainsThenWrites()
    {
        test::createMerchant(conn_, QStringLiteral("mce"));
        ingest::EmbedderConfig config;
        QStringList texts;
        std::vector<ingest::DocumentSource> docs;
        for (int i = 0; i < 12; ++i) {
            docs.push_back(makeDocument("mce", QStringLiteral("ce-%1").arg(i), {"Refunds", "Shipping", QStringLiteral("Topic %1").arg(i)}));
            for (const ingest::Chunk& c : ingest::prepareDocument(docs.back(), {}).chunks)
                texts << c.embedText();
        }
        auto embedder = ingest::embedderForLoad(conn_, QStringLiteral("mce"), config, texts);
        QCOMPARE(embedder->spec().provider, QStringLiteral("corpus"));
        for (const auto& d : docs)
            ingest::Ingestor(conn_, *embedder).ingestDocument(d);
        QCOMPARE(test::column(conn_, "SELECT version || '|' || state || '|' || embedding_provider FROM corpus_versions "
                                     "WHERE merchant_id = 'mce'"),
                 QStringList{"1|live|corpus"});
        QVERIFY(!ingest::trainIfNeeded(conn_, QStringLiteral("mce"), config));  // nothing left to train
    }

    // Retraining builds version N+1 beside N; every query meanwhile embeds with the model of the
    // version it searched, and none fails.
    void retrainingFlipsWithoutAFailedOrMixedQuery()
    {
        const auto before = ingest::liveCorpus(conn_, QStringLiteral("mce"));
        QVERIFY(before);
        std::atomic<bool> done{false};
        std::atomic<int> queries{0}, failures{0}, mismatched{0};
        QStringList seen;
        std::mutex seenMutex;
        std::thread reader([&, conninfo = test::TestDatabase::instance().conninfo()] {
            db::PgConnection c = db::PgConnection::open(conninfo);
            retrieval::Retriever retriever(c);
            while (!done) {
                try {
                    const auto r = retriever.retrieve({staff(QStringLiteral("mce")), QStringLiteral("refund topic"), {}});
                    const QString version = c.exec("SELECT embedding_version FROM corpus_versions WHERE merchant_id = 'mce' "
                                                   "AND version = $1", db::PgParams().add(r.diagnostics.corpusVersion)).text(0, 0);
                    // Right after the flip the old version is dropped: only a live one can be checked.
                    if (!version.isEmpty() && !r.diagnostics.embeddingModel.endsWith(version.left(12)))
                        ++mismatched;
                    if (r.chunks.empty())
                        ++failures;
                    const std::lock_guard lock(seenMutex);
                    if (!seen.contains(r.diagnostics.embeddingModel))
                        seen << r.diagnostics.embeddingModel;
                } catch (const std::exception&) {
                    ++failures;
                }
                ++queries;
            }
        });
        QTest::qWait(200);
        ingest::CorpusModelOptions options;
        options.seed += 7;  // another model of the same corpus
        const ingest::TrainedModel trained = ingest::trainMerchantModel(conn_, QStringLiteral("mce"), options);
        QVERIFY(trained.checksum != before->spec.version);
        ingest::CorpusEmbedder embedder(trained.model);
        const ingest::ReembedResult r = ingest::ReembedJob(conn_, embedder, QStringLiteral("mce"), 4).run();
        QTest::qWait(200);
        done = true;
        reader.join();
        QCOMPARE(r.toVersion, before->version + 1);
        QVERIFY(queries > 0);
        QCOMPARE(failures.load(), 0);
        QCOMPARE(mismatched.load(), 0);
        QVERIFY2(seen.last().endsWith(trained.checksum.left(12)), qPrintable(seen.join(',')));
        QCOMPARE(ingest::liveCorpus(conn_, QStringLiteral("mce"))->spec.version, trained.checksum);
        // Both models stay stored; the old one is what embedded version N if it is ever inspected.
        QCOMPARE(ingest::listCorpusModels(conn_, QStringLiteral("mce")).size(), size_t(2));
    }

    // A query against version N is embedded with N's model even when a newer model is stored.
    void aNewerStoredModelIsNotUsedUntilItsVersionIsLive()
    {
        const auto live = ingest::liveCorpus(conn_, QStringLiteral("mce"));
        ingest::CorpusModelOptions options;
        options.seed += 11;
        const ingest::TrainedModel newer = ingest::trainMerchantModel(conn_, QStringLiteral("mce"), options);
        const auto r = retrieval::Retriever(conn_).retrieve({staff(QStringLiteral("mce")), QStringLiteral("refund"), {}});
        QVERIFY(r.diagnostics.embeddingModel.endsWith(live->spec.version.left(12)));
        QVERIFY(!r.diagnostics.embeddingModel.endsWith(newer.checksum.left(12)));
    }

    // The Acme acceptance on the new default: Alice gets the refund paragraphs, Bob never d9/t3.
    void seedAcceptanceOnTheDefault()
    {
        const QString message = QStringLiteral("I ordered the blue widget on Tuesday and the refund never arrived. Order #4821.");
        security::AgentSession alice = session("u1");
        const auto a = retrieval::Retriever(alice.connection).retrieve({alice.identity, message, {}});
        QStringList citations;
        for (const auto& c : a.chunks)
            citations << c.citation;
        QVERIFY2(citations.contains(QStringLiteral("[Refund Policy §2]")) && citations.contains(QStringLiteral("[Ticket t1]")),
                 qPrintable(citations.join(',')));
        for (const QString& q : {message, QStringLiteral("password reset"), QStringLiteral("my account is locked")}) {
            security::AgentSession bob = session("u3");
            for (const auto& c : retrieval::Retriever(bob.connection).retrieve({bob.identity, q, {}}).chunks)
                QVERIFY2(c.sourceId != QLatin1String("d9") && c.sourceId != QLatin1String("t3"), qPrintable(c.sourceId));
        }
    }
};

QTEST_GUILESS_MAIN(TestCorpusEmbedder)
#include "test_corpus_embedder.moc"
