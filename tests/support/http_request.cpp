#include "support/http_request.h"

#include <QJsonDocument>
#include <QList>
#include <QTcpSocket>

namespace ac::test {

QByteArray HttpRequest::header(const QByteArray& name) const
{
    const QByteArray wanted = name.toLower() + ':';
    for (const QByteArray& line : head.split('\n'))
        if (line.toLower().startsWith(wanted))
            return line.mid(wanted.size()).trimmed();
    return {};
}

std::optional<HttpRequest> takeHttpRequest(QByteArray& buffer)
{
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return std::nullopt;
    HttpRequest request;
    request.head = buffer.left(headerEnd);
    const qsizetype length = request.header("content-length").toLongLong();
    if (buffer.size() < headerEnd + 4 + length)
        return std::nullopt;
    request.body = buffer.mid(headerEnd + 4, length);
    buffer.remove(0, headerEnd + 4 + length);
    return request;
}

} // namespace ac::test

namespace ac::test {

LoopbackHttpServer::LoopbackHttpServer(Answer answer) : answer_(std::move(answer))
{
    QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = server_.nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                buffers_[socket] += socket->readAll();
                while (const auto request = takeHttpRequest(buffers_[socket])) {
                    ++requests;
                    bodies << QJsonDocument::fromJson(request->body).object();
                    if (const QByteArray auth = request->header("authorization"); !auth.isEmpty())
                        authorizations << auth;
                    answer_(socket, *request);
                }
            });
        }
    });
    server_.listen(QHostAddress::LocalHost);
}

QString LoopbackHttpServer::url() const
{
    return QStringLiteral("http://127.0.0.1:%1/v1").arg(server_.serverPort());
}

} // namespace ac::test
