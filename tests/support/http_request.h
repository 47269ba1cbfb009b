#pragma once

#include <QByteArray>

#include <optional>

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

} // namespace ac::test
