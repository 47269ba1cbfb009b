#include "ingest/openai_embedder.h"
#include "support/http_request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <cmath>
#include <future>
#include <deque>

using namespace ac::ingest;

namespace {

// A local HTTP server that answers each POST with the next scripted reply ("ok", "429", "500",
// "silent" = never answer, "wrongdims"), echoing one vector per input.
class StubServer : public ac::test::LoopbackHttpServer {
public:
    explicit StubServer(std::deque<QString> script, int dims)
        : LoopbackHttpServer([this](QTcpSocket* socket, const ac::test::HttpRequest& request) { answer(socket, request); }),
          script_(std::move(script)), dims_(dims)
    {
    }

private:
    void answer(QTcpSocket* socket, const ac::test::HttpRequest& request)
    {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        const QString action = script_.empty() ? QStringLiteral("ok") : script_.front();
        if (!script_.empty())
            script_.pop_front();
        if (action == QLatin1String("silent"))
            return;
        if (action == QLatin1String("429") || action == QLatin1String("500")) {
            const QByteArray status = action == QLatin1String("429") ? "429 Too Many Requests" : "500 Internal Server Error";
            reply(socket, status, "{\"error\":\"busy\"}", action == QLatin1String("429") ? "Retry-After: 0\r\n" : "");
            return;
        }
        const int dims = action == QLatin1String("wrongdims") ? dims_ / 2 : dims_;
        QJsonArray data;
        const QJsonArray input = body.value(QLatin1String("input")).toArray();
        for (qsizetype i = input.size() - 1; i >= 0; --i) {  // out of order on purpose: index decides
            QJsonArray v;
            for (int d = 0; d < dims; ++d)
                v.append(d == (i % dims) ? 3.0 : 0.0);
            data.append(QJsonObject{{QStringLiteral("index"), i}, {QStringLiteral("embedding"), v}});
        }
        reply(socket, "200 OK", QJsonDocument(QJsonObject{{QStringLiteral("data"), data}}).toJson(QJsonDocument::Compact));
    }

    static void reply(QTcpSocket* socket, const QByteArray& status, const QByteArray& body, const QByteArray& extra = {})
    {
        socket->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n" + extra + "Connection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    std::deque<QString> script_;
    int dims_;
};

EmbedderConfig config(const QString& url, int dims)
{
    EmbedderConfig c;
    c.provider = QStringLiteral("openai");
    c.url = url;
    c.model = QStringLiteral("stub-model");
    c.dims = dims;
    c.apiKey = QStringLiteral("sk-secret");
    c.timeoutMs = 400;
    c.batchSize = 64;
    c.maxRetries = 2;
    c.initialBackoffMs = 10;
    return c;
}

QStringList texts(int n)
{
    QStringList out;
    for (int i = 0; i < n; ++i)
        out << QStringLiteral("text %1").arg(i);
    return out;
}

} // namespace

class TestOpenAiEmbedder : public QObject {
    Q_OBJECT

private slots:
    void successBatchesAndNormalises()
    {
        StubServer server({}, 8);
        OpenAiEmbedder embedder(config(server.url(), 8));
        const std::vector<Embedding> vectors = embedder.embed(texts(150));
        QCOMPARE(vectors.size(), size_t(150));
        QCOMPARE(server.requests, 3);  // 64 + 64 + 22
        QCOMPARE(server.bodies[0].value(QLatin1String("input")).toArray().size(), 64);
        QCOMPARE(server.bodies[0].value(QLatin1String("model")).toString(), QStringLiteral("stub-model"));
        QCOMPARE(server.authorizations.value(0), QByteArray("Bearer sk-secret"));
        for (size_t i = 0; i < vectors.size(); ++i) {
            QCOMPARE(vectors[i].size(), size_t(8));
            const size_t batchIndex = i % 64;
            QCOMPARE(vectors[i][batchIndex % 8], 1.0f);  // unit length, and in input order
        }
        QCOMPARE(embedder.spec().provider, QStringLiteral("openai"));
        QCOMPARE(embedder.spec().model, QStringLiteral("stub-model"));
    }

    // The bulk loader embeds the next batch on a worker thread while it writes the current one.
    void embedsFromAWorkerThread()
    {
        StubServer server({QStringLiteral("429"), QStringLiteral("ok")}, 8);
        OpenAiEmbedder embedder(config(server.url(), 8));
        QVERIFY(embedder.threadSafe());
        std::future<std::vector<Embedding>> worker =
            std::async(std::launch::async, [&embedder] { return embedder.embed(texts(100)); });
        while (worker.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready)
            QCoreApplication::processEvents();  // the stub server lives on this thread
        QCOMPARE(worker.get().size(), size_t(100));
        QCOMPARE(server.requests, 3);  // a 429 retried, then 64 + 36
    }

    void retriesAfter429And500()
    {
        StubServer server({QStringLiteral("429"), QStringLiteral("500"), QStringLiteral("ok")}, 4);
        OpenAiEmbedder embedder(config(server.url(), 4));
        QCOMPARE(embedder.embed(texts(3)).size(), size_t(3));
        QCOMPARE(server.requests, 3);
    }

    void givesUpAfterRetries()
    {
        StubServer server({QStringLiteral("500"), QStringLiteral("500"), QStringLiteral("500"), QStringLiteral("ok")}, 4);
        OpenAiEmbedder embedder(config(server.url(), 4));
        try {
            embedder.embed(texts(2));
            QFAIL("no EmbeddingError");
        } catch (const EmbeddingError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("HTTP 500")), e.what());
            QVERIFY(!QString::fromUtf8(e.what()).contains(QStringLiteral("sk-secret")));
        }
        QCOMPARE(server.requests, 3);
    }

    void timesOut()
    {
        StubServer server({QStringLiteral("silent"), QStringLiteral("silent"), QStringLiteral("silent")}, 4);
        EmbedderConfig c = config(server.url(), 4);
        c.maxRetries = 1;
        OpenAiEmbedder embedder(c);
        QElapsedTimer timer;
        timer.start();
        try {
            embedder.embed(texts(2));
            QFAIL("no EmbeddingError");
        } catch (const EmbeddingError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no answer within 400 ms")), e.what());
        }
        QCOMPARE(server.requests, 2);
        QVERIFY(timer.elapsed() < 5000);
    }

    void refusesWrongDimensions()
    {
        StubServer server({QStringLiteral("wrongdims")}, 8);
        OpenAiEmbedder embedder(config(server.url(), 8));
        try {
            embedder.embed(texts(2));
            QFAIL("no EmbeddingError");
        } catch (const EmbeddingError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("returned 4-dimensional vectors; this corpus needs 8")),
                     e.what());
        }
    }

    void endpointDown()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        const QString url = QStringLiteral("http://127.0.0.1:%1/v1").arg(probe.serverPort());
        probe.close();  // nothing listens there now
        EmbedderConfig c = config(url, 4);
        c.maxRetries = 1;
        OpenAiEmbedder embedder(c);
        QVERIFY_THROWS_EXCEPTION(EmbeddingError, embedder.embed(texts(1)));
    }

    void endpointUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("endpoint");
        QTest::newRow("base") << "http://h:1/v1" << "http://h:1/v1/embeddings";
        QTest::newRow("slash") << "http://h:1/v1/" << "http://h:1/v1/embeddings";
        QTest::newRow("full") << "http://h:1/v1/embeddings" << "http://h:1/v1/embeddings";
    }
    void endpointUrl()
    {
        QFETCH(QString, url);
        QFETCH(QString, endpoint);
        QCOMPARE(OpenAiEmbedder(config(url, 4)).endpoint(), endpoint);
    }
};

QTEST_GUILESS_MAIN(TestOpenAiEmbedder)
#include "test_openai_embedder.moc"
