#include "agent/message_parser.h"

#include <QRegularExpression>

namespace ac::agent {

namespace {

void collect(const QRegularExpression& pattern, const QString& text, QStringList& into, int group = 1,
             QString (*normalise)(const QString&) = nullptr)
{
    auto matches = pattern.globalMatch(text);
    while (matches.hasNext()) {
        QString value = matches.next().captured(group);
        if (normalise)
            value = normalise(value);
        if (!value.isEmpty() && !into.contains(value))
            into << value;
    }
}

QString lower(const QString& s) { return s.toLower(); }
QString upper(const QString& s) { return s.toUpper(); }

} // namespace

ParsedMessage parseCustomerMessage(const QString& message)
{
    static const QRegularExpression hashOrder(QStringLiteral(R"((?<![\w&])#\s?(\d{3,12})\b)"));
    static const QRegularExpression wordOrder(
        QStringLiteral(R"(\b(?:order|purchase)(?:\s+(?:number|num|no\.?|id|nr\.?))?\s*(?:is|was)?\s*[:#]?\s*(\d{3,12})\b)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression email(QStringLiteral(R"(\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)"));
    static const QRegularExpression customer(
        QStringLiteral(R"(\b(?:customer|account|client|user)(?:\s+(?:id|number|no\.?|ref(?:erence)?))?\s*[:#]?\s*([A-Za-z]{0,4}-?\d{1,12})\b)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression sku(QStringLiteral(R"(\b([A-Za-z]{2,}\d*(?:-[A-Za-z0-9]+){1,4})\b)"));

    ParsedMessage parsed;
    collect(hashOrder, message, parsed.orderNumbers);
    collect(wordOrder, message, parsed.orderNumbers);
    collect(email, message, parsed.emails, 0, &lower);
    collect(customer, message, parsed.customerIds);

    // A product code mixes letters and digits and is written in capitals in the message.
    auto skus = sku.globalMatch(message);
    while (skus.hasNext()) {
        const QString code = skus.next().captured(1);
        const bool capitals = code == code.toUpper();
        const bool digits = code.contains(QRegularExpression(QStringLiteral("\\d")));
        if (capitals && digits && !parsed.productCodes.contains(upper(code)))
            parsed.productCodes << upper(code);
    }
    return parsed;
}

} // namespace ac::agent
