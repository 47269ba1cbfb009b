#include "support/http_request.h"

#include <QList>

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
