#include "ingest/source_parsers.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringDecoder>

namespace ac::ingest {

namespace {

const QStringList kTicketStatuses{QStringLiteral("open"), QStringLiteral("pending"), QStringLiteral("resolved"),
                                  QStringLiteral("closed")};
const QStringList kAuthors{QStringLiteral("customer"), QStringLiteral("agent")};

[[noreturn]] void fail(const QString& origin, int line, const QString& message)
{
    if (line > 0)
        throw SourceError(QStringLiteral("%1:%2: %3").arg(origin).arg(line).arg(message));
    throw SourceError(QStringLiteral("%1: %2").arg(origin, message));
}

// Decodes strict UTF-8 (a BOM is dropped, CRLF becomes LF); the line of the first bad byte is reported.
QString decodeUtf8(const QByteArray& bytes, const QString& origin)
{
    if (bytes.size() > kMaxSourceBytes)
        fail(origin, 0, QStringLiteral("file is %1 bytes; the limit is %2 bytes (5 MiB)")
                            .arg(bytes.size()).arg(kMaxSourceBytes));
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError()) {
        const qsizetype bad = text.indexOf(QChar::ReplacementCharacter);
        const int line = bad < 0 ? 0 : static_cast<int>(text.left(bad).count(QLatin1Char('\n'))) + 1;
        fail(origin, line, QStringLiteral("not valid UTF-8 text"));
    }
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    text.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    if (text.trimmed().isEmpty())
        fail(origin, 0, QStringLiteral("file is empty"));
    return text;
}

QString unquote(QString value)
{
    value = value.trimmed();
    if (value.size() >= 2
        && ((value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
            || (value.startsWith(QLatin1Char('\'')) && value.endsWith(QLatin1Char('\'')))))
        value = value.mid(1, value.size() - 2);
    return value;
}

QStringList parseInlineList(const QString& value, const QString& origin, int line)
{
    QString inner = value.trimmed();
    if (!inner.startsWith(QLatin1Char('[')) || !inner.endsWith(QLatin1Char(']')))
        fail(origin, line, QStringLiteral("expected a list like [role:staff, topic:refund]"));
    inner = inner.mid(1, inner.size() - 2);
    QStringList out;
    for (const QString& part : inner.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString token = unquote(part);
        if (!token.isEmpty())
            out << token;
    }
    return out;
}

std::optional<QDateTime> parseTimestamp(const QString& value, const QString& origin, int line)
{
    if (value.trimmed().isEmpty())
        return std::nullopt;
    QDateTime when = QDateTime::fromString(value.trimmed(), Qt::ISODateWithMs);
    if (!when.isValid())
        fail(origin, line, QStringLiteral("created_at \"%1\" is not an ISO 8601 timestamp").arg(value));
    return when;
}

void checkTicket(const TicketSource& ticket, const QString& origin, int line)
{
    if (ticket.id.isEmpty())
        fail(origin, line, QStringLiteral("ticket has no id"));
    if (ticket.customerId.isEmpty())
        fail(origin, line, QStringLiteral("ticket %1 has no customer_id").arg(ticket.id));
    if (!kTicketStatuses.contains(ticket.status))
        fail(origin, line, QStringLiteral("ticket %1 has status \"%2\"; expected one of %3")
                               .arg(ticket.id, ticket.status, kTicketStatuses.join(QStringLiteral(", "))));
    if (ticket.messages.empty())
        fail(origin, line, QStringLiteral("ticket %1 has no messages").arg(ticket.id));
    for (const TicketMessage& message : ticket.messages) {
        if (!kAuthors.contains(message.author))
            fail(origin, line, QStringLiteral("ticket %1: message author \"%2\" is not customer or agent")
                                   .arg(ticket.id, message.author));
        if (message.body.trimmed().isEmpty())
            fail(origin, line, QStringLiteral("ticket %1 has an empty message").arg(ticket.id));
    }
}

QString jsonString(const QJsonObject& object, const char* key)
{
    const QJsonValue v = object.value(QLatin1String(key));
    if (v.isDouble())
        return QString::number(v.toInteger());
    return v.toString();
}

} // namespace

QByteArray readSourceFile(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile())
        fail(path, 0, QStringLiteral("no such file"));
    if (info.size() > kMaxSourceBytes)
        fail(path, 0, QStringLiteral("file is %1 bytes; the limit is %2 bytes (5 MiB)")
                          .arg(info.size()).arg(kMaxSourceBytes));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(path, 0, QStringLiteral("cannot read: %1").arg(file.errorString()));
    return file.readAll();
}

DocumentSource parseDocumentFile(const QString& path)
{
    return parseDocumentBytes(readSourceFile(path), path);
}

DocumentSource parseDocumentBytes(const QByteArray& bytes, const QString& origin)
{
    const QString text = decodeUtf8(bytes, origin);
    const QStringList lines = text.split(QLatin1Char('\n'));
    if (lines.isEmpty() || lines.first().trimmed() != QLatin1String("---"))
        fail(origin, 1, QStringLiteral("missing front matter: the file must start with a '---' line"));

    DocumentSource doc;
    doc.sourcePath = origin;
    int closing = -1;
    QString listKey;
    for (int i = 1; i < lines.size(); ++i) {
        const QString line = lines[i];
        const int lineNo = i + 1;
        if (line.trimmed() == QLatin1String("---")) {
            closing = i;
            break;
        }
        if (line.trimmed().isEmpty() || line.trimmed().startsWith(QLatin1Char('#')))
            continue;
        if (line.trimmed().startsWith(QLatin1String("- "))) {
            if (listKey != QLatin1String("acl"))
                fail(origin, lineNo, QStringLiteral("list item outside a list"));
            doc.acl << unquote(line.trimmed().mid(2));
            continue;
        }
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            fail(origin, lineNo, QStringLiteral("expected 'key: value' in front matter"));
        const QString key = line.left(colon).trimmed().toLower();
        const QString value = line.mid(colon + 1).trimmed();
        listKey.clear();
        if (key == QLatin1String("id"))
            doc.id = unquote(value);
        else if (key == QLatin1String("title"))
            doc.title = unquote(value);
        else if (key == QLatin1String("category"))
            doc.category = unquote(value);
        else if (key == QLatin1String("acl")) {
            if (value.isEmpty())
                listKey = key;
            else
                doc.acl = parseInlineList(value, origin, lineNo);
        }
        // Other keys are tolerated so front matter can carry fields for other tools.
    }
    if (closing < 0)
        fail(origin, 1, QStringLiteral("front matter is not closed by a '---' line"));
    if (doc.id.isEmpty())
        fail(origin, 1, QStringLiteral("front matter has no id"));
    if (doc.title.isEmpty())
        fail(origin, 1, QStringLiteral("front matter has no title"));
    doc.markdown = lines.mid(closing + 1).join(QLatin1Char('\n')).trimmed();
    if (doc.markdown.isEmpty())
        fail(origin, closing + 2, QStringLiteral("document %1 has no body after the front matter").arg(doc.id));
    return doc;
}

std::vector<TicketSource> parseTicketsJsonl(const QByteArray& bytes, const QString& origin)
{
    const QString text = decodeUtf8(bytes, origin);
    std::vector<TicketSource> out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        if (lines[i].trimmed().isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument json = QJsonDocument::fromJson(lines[i].toUtf8(), &error);
        if (error.error != QJsonParseError::NoError)
            fail(origin, lineNo, QStringLiteral("bad JSON: %1 at column %2").arg(error.errorString()).arg(error.offset + 1));
        if (!json.isObject())
            fail(origin, lineNo, QStringLiteral("expected a JSON object"));
        const QJsonObject o = json.object();
        TicketSource ticket;
        ticket.id = jsonString(o, "id");
        ticket.customerId = jsonString(o, "customer_id");
        const QString order = jsonString(o, "order_number");
        if (!order.isEmpty())
            ticket.orderNumber = order;
        ticket.status = o.value(QLatin1String("status")).toString(QStringLiteral("open"));
        ticket.category = o.value(QLatin1String("category")).toString();
        for (const QJsonValue& v : o.value(QLatin1String("acl")).toArray())
            ticket.acl << v.toString();
        ticket.createdAt = parseTimestamp(o.value(QLatin1String("created_at")).toString(), origin, lineNo);
        const QJsonArray messages = o.value(QLatin1String("messages")).toArray();
        for (const QJsonValue& v : messages) {
            const QJsonObject m = v.toObject();
            TicketMessage message;
            message.author = m.value(QLatin1String("author")).toString(QStringLiteral("customer"));
            message.body = m.value(QLatin1String("body")).toString();
            message.createdAt = parseTimestamp(m.value(QLatin1String("created_at")).toString(), origin, lineNo);
            ticket.messages.push_back(message);
        }
        if (messages.isEmpty() && o.contains(QLatin1String("text")))
            ticket.messages.push_back({QStringLiteral("customer"), o.value(QLatin1String("text")).toString(), {}});
        checkTicket(ticket, origin, lineNo);
        out.push_back(std::move(ticket));
    }
    return out;
}

namespace {

// RFC 4180 records; each record remembers the line it started on.
struct CsvRecord {
    int line = 0;
    QStringList fields;
};

std::vector<CsvRecord> splitCsv(const QString& text, const QString& origin)
{
    std::vector<CsvRecord> records;
    CsvRecord current;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    int line = 1;
    current.line = 1;
    auto endField = [&] {
        current.fields << field;
        field.clear();
        fieldStarted = false;
    };
    auto endRecord = [&] {
        endField();
        if (!(current.fields.size() == 1 && current.fields.first().isEmpty()))
            records.push_back(current);
        current = CsvRecord{line + 1, {}};
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            endField();
        } else if (c == QLatin1Char('\n')) {
            endRecord();
            ++line;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        fail(origin, current.line, QStringLiteral("unterminated quoted field"));
    if (fieldStarted || !current.fields.isEmpty())
        endRecord();
    return records;
}

} // namespace

std::vector<TicketSource> parseTicketsCsv(const QByteArray& bytes, const QString& origin)
{
    const QString text = decodeUtf8(bytes, origin);
    const std::vector<CsvRecord> records = splitCsv(text, origin);
    if (records.empty())
        fail(origin, 0, QStringLiteral("file is empty"));
    QStringList header;
    for (const QString& name : records.front().fields)
        header << name.trimmed().toLower();
    for (const char* required : {"id", "customer_id", "status", "text"})
        if (!header.contains(QLatin1String(required)))
            fail(origin, 1, QStringLiteral("header has no \"%1\" column").arg(QLatin1String(required)));
    auto column = [&](const CsvRecord& record, const char* name) {
        const qsizetype col = header.indexOf(QLatin1String(name));
        return col >= 0 && col < record.fields.size() ? record.fields[col].trimmed() : QString();
    };

    std::vector<TicketSource> out;
    std::vector<int> firstLine;
    for (size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& record = records[r];
        if (record.fields.size() != header.size())
            fail(origin, record.line, QStringLiteral("%1 fields; the header has %2")
                                          .arg(record.fields.size()).arg(header.size()));
        const QString id = column(record, "id");
        if (out.empty() || out.back().id != id) {
            TicketSource ticket;
            ticket.id = id;
            ticket.customerId = column(record, "customer_id");
            const QString order = column(record, "order_number");
            if (!order.isEmpty())
                ticket.orderNumber = order;
            ticket.status = column(record, "status");
            ticket.category = column(record, "category");
            for (const QString& token : column(record, "acl").split(QRegularExpression(QStringLiteral("[;|]")),
                                                                  Qt::SkipEmptyParts))
                ticket.acl << token.trimmed();
            ticket.createdAt = parseTimestamp(column(record, "created_at"), origin, record.line);
            out.push_back(std::move(ticket));
            firstLine.push_back(record.line);
        }
        TicketMessage message;
        message.author = column(record, "author");
        if (message.author.isEmpty())
            message.author = QStringLiteral("customer");
        message.body = column(record, "text");
        out.back().messages.push_back(message);
    }
    for (size_t i = 0; i < out.size(); ++i)
        checkTicket(out[i], origin, firstLine[i]);
    if (out.empty())
        fail(origin, 0, QStringLiteral("no tickets after the header"));
    return out;
}

} // namespace ac::ingest
