#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpServer>

#include <functional>
#include <optional>

class QTcpSocket;

namespace ac::test {

// One HTTP request as a fake server written for a test receives it.
struct HttpRequest {
    QByteArray head;  // request line and headers
    QByteArray body;
    QByteArray header(const QByteArray& name) const;  // case-insensitive; empty when absent
};

// Takes one complete request (headers, then a Content-Length body) off the front of `buffer`;
// nullopt while it has not all arrived.
std::optional<HttpRequest> takeHttpRequest(QByteArray& buffer);

// A fake HTTP server for a test of a client of an external API, on 127.0.0.1 only. Each complete
// request is recorded (JSON body, Authorization header) and handed to `answer` with its socket.
class LoopbackHttpServer : public QObject {
public:
    using Answer = std::function<void(QTcpSocket* socket, const HttpRequest& request)>;
    explicit LoopbackHttpServer(Answer answer);

    QString url() const;  // http://127.0.0.1:<port>/v1
    int requests = 0;
    QList<QJsonObject> bodies;
    QList<QByteArray> authorizations;

private:
    QTcpServer server_;
    QHash<QTcpSocket*, QByteArray> buffers_;
    Answer answer_;
};

} // namespace ac::test
