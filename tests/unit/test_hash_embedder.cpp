#include "ingest/embedder_factory.h"
#include "ingest/hash_embedder.h"
#include "ingest/vector_math.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>

using namespace ac::ingest;

class TestHashEmbedder : public QObject {
    Q_OBJECT

private slots:
    void deterministicAndUnitLength_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("sentence") << "Where is my refund for order 4821?";
        QTest::newRow("accents_and_case") << "Café RÉSUMÉ naïve";
        QTest::newRow("only_stop_words") << "it is what it is";
        QTest::newRow("no_words") << "?!  ...";
        QTest::newRow("empty") << "";
    }
    void deterministicAndUnitLength()
    {
        QFETCH(QString, text);
        HashEmbedder a, b;
        const Embedding x = a.embedOne(text);
        const Embedding y = b.embed({text}).front();
        QCOMPARE(x.size(), size_t(1536));
        QVERIFY(x == y);
        double norm = 0;
        for (float v : x)
            norm += double(v) * v;
        QVERIFY(std::abs(std::sqrt(norm) - 1.0) < 1e-5);
    }

    void knownValueIsStable()
    {
        // Guards against accidental changes to the feature scheme: a change must bump kVersion.
        const Embedding v = HashEmbedder().embedOne(QStringLiteral("refund policy"));
        int nonZero = 0;
        for (float x : v)
            nonZero += x != 0.0f;
        QVERIFY2(nonZero > 10 && nonZero < 40, qPrintable(QString::number(nonZero)));
    }

    void similarityOrdering_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("closer");
        QTest::addColumn<QString>("farther");
        QTest::newRow("shared_words") << "refund never arrived" << "The refund has not arrived yet" << "Reset your password";
        QTest::newRow("inflections") << "refunds issued" << "a refund was issue" << "shipping label";
        QTest::newRow("partial_word") << "passwords" << "password reset link" << "order delivery";
        QTest::newRow("order_number") << "order 4821" << "status of order 4821" << "status of order 5000";
        QTest::newRow("case_and_accents") << "CAFÉ menu" << "cafe menu" << "tea menu";
    }
    void similarityOrdering()
    {
        QFETCH(QString, query);
        QFETCH(QString, closer);
        QFETCH(QString, farther);
        HashEmbedder e;
        const Embedding q = e.embedOne(query);
        const double near = cosineSimilarity(q, e.embedOne(closer));
        const double far = cosineSimilarity(q, e.embedOne(farther));
        QVERIFY2(near > far, qPrintable(QStringLiteral("%1 vs %2").arg(near).arg(far)));
        QVERIFY(near > 0.1);
    }

    void factory_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("ok");
        QTest::newRow("default_hash") << "hash" << "" << true;
        QTest::newRow("hash_named_model") << "hash" << HashEmbedder::kModel << true;
        QTest::newRow("hash_unknown_model") << "hash" << "other" << false;
        QTest::newRow("unknown_provider") << "magic" << "" << false;
    }
    void factory()
    {
        QFETCH(QString, provider);
        QFETCH(QString, model);
        QFETCH(bool, ok);
        EmbedderConfig config;
        config.provider = provider;
        config.model = model;
        try {
            const auto embedder = makeEmbedder(config);
            QVERIFY(ok);
            QCOMPARE(embedder->spec().provider, QStringLiteral("hash"));
            QCOMPARE(embedder->spec().dims, 1536);
        } catch (const EmbeddingError&) {
            QVERIFY(!ok);
        }
    }

    void environment()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("AGENT_CONSOLE_EMBEDDER"), QStringLiteral("openai"));
        env.insert(QStringLiteral("AGENT_CONSOLE_EMBED_URL"), QStringLiteral("http://localhost:11434/v1"));
        env.insert(QStringLiteral("AGENT_CONSOLE_EMBED_MODEL"), QStringLiteral("nomic"));
        env.insert(QStringLiteral("AGENT_CONSOLE_EMBED_DIMS"), QStringLiteral("768"));
        env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-test"));
        const EmbedderConfig c = EmbedderConfig::fromEnvironment(env);
        QCOMPARE(c.provider, QStringLiteral("openai"));
        QCOMPARE(c.url, QStringLiteral("http://localhost:11434/v1"));
        QCOMPARE(c.model, QStringLiteral("nomic"));
        QCOMPARE(c.dims, 768);
        QCOMPARE(c.apiKey, QStringLiteral("sk-test"));
        QCOMPARE(EmbedderConfig::fromEnvironment(QProcessEnvironment()).provider, QStringLiteral("corpus"));
    }

    void throughput()
    {
        QStringList texts;
        for (int i = 0; i < 500; ++i) {
            QString t;
            for (int w = 0; w < 120; ++w)
                t += QStringLiteral("refund%1 policy shipping customer order%2 ").arg(w % 17).arg(i + w);
            texts << t;  // ~600 tokens each
        }
        HashEmbedder e;
        QElapsedTimer timer;
        timer.start();
        e.embed(texts);
        const double perSecond = texts.size() / (timer.nsecsElapsed() / 1e9);
        qInfo("hash embedder: %.0f chunks/s (~600 tokens each, one core)", perSecond);
        QVERIFY2(perSecond > 1000, qPrintable(QString::number(perSecond)));
    }
};

QTEST_GUILESS_MAIN(TestHashEmbedder)
#include "test_hash_embedder.moc"
