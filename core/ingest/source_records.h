#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ac::ingest {

// A support document as read from Markdown with front matter (id, title, category, acl).
struct DocumentSource {
    QString id;
    QString merchantId;
    QString title;
    QString category;
    QStringList acl;
    QString markdown;    // body after the front matter
    QString sourcePath;  // where it came from, for error messages and provenance
};

struct TicketMessage {
    QString author;  // "customer" | "agent"
    QString body;
    std::optional<QDateTime> createdAt;
};

// A support ticket with its conversation turns (the first turn is the seed's `text`).
struct TicketSource {
    QString id;
    QString merchantId;
    QString customerId;
    std::optional<QString> orderNumber;
    QString status;
    QString category;
    QStringList acl;
    std::optional<QDateTime> createdAt;
    std::vector<TicketMessage> messages;
};

} // namespace ac::ingest
