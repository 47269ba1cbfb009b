#include "retrieval/http_reranker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace ac::retrieval;

namespace {

// A one-shot HTTP endpoint on localhost: records the request, answers with a canned reply.
class StubEndpoint : public QObject {
public:
    StubEndpoint(int status, QByteArray reply) : status_(status), reply_(std::move(reply))
    {
        server_.listen(QHostAddress::LocalHost);
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            QTcpSocket* socket = server_.nextPendingConnection();
            QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                received_ += socket->readAll();
                const qsizetype headerEnd = received_.indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    return;
                const qsizetype lengthAt = received_.toLower().indexOf("content-length:");
                const qsizetype length = received_.mid(lengthAt + 15, received_.indexOf("\r\n", lengthAt) - lengthAt - 15).trimmed().toLongLong();
                if (received_.size() < headerEnd + 4 + length)
                    return;
                body_ = received_.mid(headerEnd + 4, length);
                socket->write("HTTP/1.1 " + QByteArray::number(status_) + " X\r\nContent-Type: application/json\r\n"
                              "Connection: close\r\nContent-Length: " + QByteArray::number(reply_.size()) + "\r\n\r\n" + reply_);
                socket->disconnectFromHost();
            });
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/rerank").arg(server_.serverPort())); }
    QByteArray headers() const { return received_.left(received_.indexOf("\r\n\r\n")); }
    QJsonObject body() const { return QJsonDocument::fromJson(body_).object(); }

private:
    QTcpServer server_;
    int status_;
    QByteArray reply_;
    QByteArray received_;
    QByteArray body_;
};

std::vector<RetrievedChunk> candidates(QStringList texts)
{
    std::vector<RetrievedChunk> out;
    for (const QString& t : texts) {
        RetrievedChunk c;
        c.text = t;
        out.push_back(c);
    }
    return out;
}

} // namespace

class TestHttpReranker : public QObject {
    Q_OBJECT
private slots:
    void parseReply_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QList<double>>("scores");
        QTest::newRow("cohere") << QByteArray(R"({"results":[{"index":1,"relevance_score":0.9},{"index":0,"relevance_score":0.2}]})")
                                << QList<double>{0.2, 0.9};
        QTest::newRow("tei") << QByteArray(R"([{"index":0,"score":0.7},{"index":1,"score":0.1}])") << QList<double>{0.7, 0.1};
        QTest::newRow("top_n_shorter") << QByteArray(R"({"results":[{"index":1,"relevance_score":0.5}]})")
                                       << QList<double>{-0.5, 0.5};
    }
    void parseReply()
    {
        QFETCH(QByteArray, reply);
        QFETCH(QList<double>, scores);
        const auto parsed = HttpReranker::parseReply(reply, 2);
        QCOMPARE(QList<double>(parsed.begin(), parsed.end()), scores);
    }

    void rejectsMalformedReplies_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::newRow("not_json") << QByteArray("<html>");
        QTest::newRow("index_out_of_range") << QByteArray(R"([{"index":5,"score":0.7}])");
        QTest::newRow("no_score") << QByteArray(R"([{"index":0}])");
        QTest::newRow("empty") << QByteArray(R"({"results":[]})");
    }
    void rejectsMalformedReplies()
    {
        QFETCH(QByteArray, reply);
        QVERIFY_THROWS_EXCEPTION(RerankError, HttpReranker::parseReply(reply, 2));
    }

    void cohereRoundTrip()
    {
        StubEndpoint endpoint(200, R"({"results":[{"index":0,"relevance_score":0.1},{"index":1,"relevance_score":0.8}]})");
        HttpReranker reranker({endpoint.url(), QStringLiteral("rerank-v3"), QStringLiteral("secret"),
                               HttpRerankerConfig::Flavor::Cohere, 5000, 4000});
        const auto scores = reranker.score(QStringLiteral("refund"), candidates({"a", "b"}));
        QCOMPARE(scores.size(), size_t(2));
        QCOMPARE(scores[1], 0.8);
        QCOMPARE(endpoint.body().value("query").toString(), QStringLiteral("refund"));
        QCOMPARE(endpoint.body().value("documents").toArray().size(), 2);
        QCOMPARE(endpoint.body().value("model").toString(), QStringLiteral("rerank-v3"));
        QVERIFY(endpoint.headers().contains("Bearer secret"));
    }

    void teiSendsTexts()
    {
        StubEndpoint endpoint(200, R"([{"index":0,"score":0.3}])");
        HttpReranker reranker({endpoint.url(), {}, {}, HttpRerankerConfig::Flavor::Tei, 5000, 3});
        reranker.score(QStringLiteral("q"), candidates({"abcdef"}));
        QCOMPARE(endpoint.body().value("texts").toArray().first().toString(), QStringLiteral("abc"));
        QVERIFY(!endpoint.headers().contains("Authorization"));
    }

    void httpErrorThrows()
    {
        StubEndpoint endpoint(503, R"({"message":"overloaded"})");
        HttpReranker reranker({endpoint.url(), {}, {}, HttpRerankerConfig::Flavor::Cohere, 5000, 4000});
        QVERIFY_THROWS_EXCEPTION(RerankError, reranker.score(QStringLiteral("q"), candidates({"a"})));
    }

    void unreachableThrows()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        const quint16 port = probe.serverPort();
        probe.close();
        HttpReranker reranker({QUrl(QStringLiteral("http://127.0.0.1:%1/rerank").arg(port)), {}, {},
                               HttpRerankerConfig::Flavor::Cohere, 2000, 4000});
        QVERIFY_THROWS_EXCEPTION(RerankError, reranker.score(QStringLiteral("q"), candidates({"a"})));
    }
};

QTEST_GUILESS_MAIN(TestHttpReranker)
#include "test_http_reranker.moc"
