#include "synthetic_corpus.h"

#include "ingest/ingest_error.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace ac::bench {

using namespace ac::ingest;

namespace {

// splitmix64: a tiny, fully specified generator, so output is identical on every platform.
class Rng {
public:
    Rng(quint64 seed, quint64 a, quint64 b = 0, quint64 c = 0) : state_(seed)
    {
        state_ = next() ^ (a * 0x9e3779b97f4a7c15ull);
        state_ = next() ^ (b * 0xc2b2ae3d27d4eb4full);
        state_ = next() ^ (c * 0x165667b19e3779f9ull);
    }
    quint64 next()
    {
        quint64 z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<quint64>(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }
    double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
    bool chance(double p) { return unit() < p; }
    template <typename T> const T& pick(const std::vector<T>& v) { return v[static_cast<size_t>(below(static_cast<int>(v.size())))]; }

private:
    quint64 state_;
};

struct Topic {
    QString key;
    std::vector<QString> titles;
    std::vector<QString> headings;
    std::vector<QString> sentences;
    std::vector<QString> questions;
};

const std::vector<Topic>& topics()
{
    static const std::vector<Topic> all{
        {"refund",
         {"Refund Policy", "Returns and Refunds", "Money-Back Guarantee"},
         {"Eligibility", "How to request a refund", "When the money arrives", "Partial refunds", "Damaged items",
          "Final sale items", "Store credit", "Refunds for gifts"},
         {"Refunds are granted within {days} days of delivery for unused {product}s in their original packaging.",
          "Card refunds take {small} business days to appear after they are issued.",
          "Agents must confirm the order number and the last four digits of the card before escalating a refund.",
          "A refund is issued to the original payment method once the warehouse inspects the returned {product}.",
          "Original shipping costs are refunded only when the return is caused by our error.",
          "If a refund has not arrived after {days} business days, escalate to the payments team.",
          "Never issue a second refund for the same order; check the refund state first.",
          "Store credit is offered instead of a refund for items bought on sale.",
          "Customers can start a return from Orders > Request refund in their account."},
         {"Where is my refund for order {order}?", "Can I get a refund on the {product}?",
          "My refund still has not arrived.", "Why was my refund only partial?"}},
        {"shipping",
         {"Shipping and Delivery", "Delivery Times", "International Shipping"},
         {"Delivery times", "Tracking a parcel", "Lost parcels", "Shipping costs", "Carriers", "Address changes",
          "Customs and duties"},
         {"Standard delivery takes {small} business days; express delivery arrives the next business day.",
          "Orders placed before 2 pm ship the same day with {carrier}.",
          "A parcel with no tracking update for {days} days is treated as lost and replaced free of charge.",
          "Shipping is free on orders over {amount} dollars.",
          "The delivery address can be changed until the order is packed.",
          "International orders may be charged customs duties by the destination country.",
          "Customers receive a tracking link by email as soon as the {product} ships."},
         {"My {product} has not arrived yet.", "Can I change the delivery address for order {order}?",
          "The tracking page has not updated in a week.", "Do you ship to Canada?"}},
        {"account",
         {"Account & Password Help", "Signing In", "Two-Factor Authentication"},
         {"Resetting a password", "Two-factor authentication", "Changing the email address", "Locked accounts",
          "Closing an account"},
         {"To reset a password visit /account/reset and enter the email address on the account.",
          "A reset link stays valid for {small}0 minutes; requesting a new link invalidates the old one.",
          "Two-factor authentication is required on the {plan} plan.",
          "After five failed sign-in attempts the account is locked for {small}0 minutes.",
          "Agents must never set or read out a password.",
          "Verify identity with the last order number and billing postcode before changing the email address."},
         {"Password reset link expired again.", "I am locked out of my account.",
          "How do I turn off two-factor authentication?", "I no longer have access to my email."}},
        {"billing",
         {"Billing and Invoices", "Payment Methods", "Subscription Billing"},
         {"Payment methods", "Invoices", "Failed payments", "Currency", "Subscription renewals", "Tax"},
         {"We accept cards, PayPal and bank transfer for orders over {amount} dollars.",
          "Invoices are emailed when the order ships and can be downloaded from the account page.",
          "A failed payment is retried after {small} days before the subscription is paused.",
          "Prices are shown in the customer's currency and charged in US dollars.",
          "The {plan} plan renews every month on the day it was started."},
         {"I was charged twice for order {order}.", "Where can I download my invoice?",
          "Why did my payment fail?", "Can I pay by bank transfer?"}},
        {"warranty",
         {"Warranty Policy", "Repairs and Replacements"},
         {"What the warranty covers", "Making a claim", "Repairs", "Replacements", "Exclusions"},
         {"Every {product} carries a {small}-year warranty against manufacturing defects.",
          "Warranty claims need a photo of the fault and the order number.",
          "Accidental damage and normal wear are not covered by the warranty.",
          "A repaired {product} is shipped back within {days} days.",
          "If a repair is not possible we replace the {product} with the same or a newer model."},
         {"My {product} stopped working after a month.", "Is water damage covered by the warranty?",
          "How long does a repair take?"}},
    };
    return all;
}

const std::vector<QString> kProducts{"blue widget", "tent", "USB-C cable", "desk lamp", "backpack", "coffee grinder",
                                     "keyboard", "water bottle", "running shoe", "phone case"};
const std::vector<QString> kCarriers{"UPS", "DHL", "FedEx", "the postal service"};
const std::vector<QString> kPlans{"Pro", "Enterprise", "Plus"};
const std::vector<QString> kNameA{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne",
                                  "Wonka", "Tyrell", "Soylent", "Cyberdyne"};
const std::vector<QString> kNameB{"Co.", "Outfitters", "Goods", "Supply", "Labs", "Store", "Trading", "Works"};
const std::vector<QString> kAgentAnswers{
    "Thanks for reaching out, I have checked order {order} for you.",
    "I can see the request on our side and have escalated it to the right team.",
    "Sorry about the wait; the {product} was shipped with {carrier} and should arrive within {small} days.",
    "I have issued a refund for order {order}; card refunds take {small} business days to appear.",
    "Please send a photo of the {product} so we can start the warranty claim.",
    "I have sent a fresh link to your email address; it is valid for {small}0 minutes."};
const std::vector<QString> kCustomerFollowUps{
    "It has been more than a week and I still have nothing.", "That worked, thanks.",
    "Can you check again? The tracking page says nothing.", "OK, I will wait a few more days.",
    "I already sent the photo yesterday.", "Thank you for the quick help!"};

QString fill(QString text, Rng& rng)
{
    text.replace(QLatin1String("{days}"), QString::number(rng.pick(std::vector<int>{7, 10, 14, 30, 60})));
    text.replace(QLatin1String("{small}"), QString::number(rng.between(2, 7)));
    text.replace(QLatin1String("{amount}"), QString::number(rng.pick(std::vector<int>{25, 50, 75, 100})));
    text.replace(QLatin1String("{product}"), rng.pick(kProducts));
    text.replace(QLatin1String("{carrier}"), rng.pick(kCarriers));
    text.replace(QLatin1String("{plan}"), rng.pick(kPlans));
    text.replace(QLatin1String("{order}"), QString::number(rng.between(1000, 9999)));
    return text;
}

QStringList agentIds(const QString& merchant)
{
    return {merchant + QStringLiteral("-a1"), merchant + QStringLiteral("-a2"), merchant + QStringLiteral("-a3")};
}

} // namespace

SyntheticCorpus::SyntheticCorpus(SyntheticOptions options) : options_(options)
{
    if (options_.merchants < 1 || options_.merchants > 9999)
        throw IngestError(QStringLiteral("synthetic corpus: merchants must be 1..9999"));
}

QString SyntheticCorpus::merchantId(int m) const { return QStringLiteral("s%1").arg(m + 1, 3, 10, QLatin1Char('0')); }

int SyntheticCorpus::scaled(int m, int mean) const
{
    // Zipf-like weights normalised to the requested mean, so the total stays merchants * mean.
    double sum = 0;
    for (int i = 1; i <= options_.merchants; ++i)
        sum += 1.0 / std::pow(i, options_.skew);
    const double weight = (1.0 / std::pow(m + 1, options_.skew)) / sum * options_.merchants;
    return std::max(1, static_cast<int>(std::lround(mean * weight)));
}

int SyntheticCorpus::documentCount(int m) const { return scaled(m, options_.documentsPerMerchant); }
int SyntheticCorpus::ticketCount(int m) const { return scaled(m, options_.ticketsPerMerchant); }

QJsonObject SyntheticCorpus::merchantJson(int m) const
{
    Rng rng(options_.seed, 1, static_cast<quint64>(m));
    const QString id = merchantId(m);
    const QStringList agents = agentIds(id);
    const QString topicA = rng.pick(topics()).key;
    const QString topicB = rng.pick(topics()).key;
    // Every agent gets a database role (no password: ragctl reaches it from the owner by SET ROLE).
    const auto role = [](QString agent) { return QStringLiteral("agent_") + agent.replace(QLatin1Char('-'), QLatin1Char('_')); };
    QJsonArray agentRows{
        QJsonObject{{"id", agents[0]}, {"display_name", "Staff " + id}, {"kind", "staff"},
                    {"acl_tokens", QJsonArray{agents[0], "role:staff"}}, {"db_role", role(agents[0])}},
        QJsonObject{{"id", agents[1]}, {"display_name", "Contractor " + id}, {"kind", "contractor"},
                    {"acl_tokens", QJsonArray{agents[1], "topic:" + topicA}}, {"db_role", role(agents[1])}},
        QJsonObject{{"id", agents[2]}, {"display_name", "Contractor B " + id}, {"kind", "contractor"},
                    {"acl_tokens", QJsonArray{agents[2], "topic:" + topicB}}, {"db_role", role(agents[2])}},
    };
    QJsonArray customers;
    const int customerCount = std::max(3, ticketCount(m) / 3);
    for (int c = 0; c < customerCount; ++c)
        customers.append(QJsonObject{{"id", QStringLiteral("%1-c%2").arg(id).arg(c + 1)},
                                     {"name", QStringLiteral("Customer %1 of %2").arg(c + 1).arg(id)}});
    return QJsonObject{{"id", id},
                       {"name", rng.pick(kNameA) + QLatin1Char(' ') + rng.pick(kNameB) + QStringLiteral(" ") + id},
                       {"plan", rng.pick(std::vector<QString>{"starter", "pro", "enterprise"})},
                       {"agents", agentRows},
                       {"customers", customers},
                       {"orders", QJsonArray{}}};
}

DocumentSource SyntheticCorpus::document(int m, int index) const
{
    Rng rng(options_.seed, 2, static_cast<quint64>(m), static_cast<quint64>(index));
    const Topic& topic = rng.pick(topics());
    const QString merchant = merchantId(m);
    DocumentSource d;
    d.id = QStringLiteral("%1-d%2").arg(merchant).arg(index + 1);
    d.merchantId = merchant;
    d.title = rng.pick(topic.titles) + (index >= static_cast<int>(topic.titles.size()) ? QStringLiteral(" (%1)").arg(index + 1) : QString());
    d.category = topic.key;
    const double aclDraw = rng.unit();
    d.acl = aclDraw < 0.55 ? QStringList{"role:staff", "topic:" + topic.key}
          : aclDraw < 0.9  ? QStringList{"role:staff"}
                           : QStringList{"role:staff", agentIds(merchant)[rng.below(3)]};
    // Skewed sizes: most documents have a few short sections, a few are long manuals.
    const bool manual = rng.chance(0.08);
    const int sections = manual ? rng.between(8, 16) : rng.between(2, 6);
    QString md = QStringLiteral("# %1\n\n%2\n").arg(d.title, fill(rng.pick(topic.sentences), rng));
    for (int s = 0; s < sections; ++s) {
        md += QStringLiteral("\n## %1\n").arg(topic.headings[static_cast<size_t>(s) % topic.headings.size()]
                                               + (s >= static_cast<int>(topic.headings.size()) ? QStringLiteral(" (continued)") : QString()));
        const int paragraphs = manual ? rng.between(3, 9) : rng.between(1, 3);
        for (int p = 0; p < paragraphs; ++p) {
            QStringList sentences;
            const int count = rng.between(2, 6);
            for (int k = 0; k < count; ++k)
                sentences << fill(rng.pick(topic.sentences), rng);
            md += QLatin1Char('\n') + sentences.join(QLatin1Char(' ')) + QLatin1Char('\n');
        }
    }
    d.markdown = md.trimmed();
    d.sourcePath = QStringLiteral("synthetic:%1").arg(d.id);
    return d;
}

TicketSource SyntheticCorpus::ticket(int m, int index) const
{
    Rng rng(options_.seed, 3, static_cast<quint64>(m), static_cast<quint64>(index));
    const Topic& topic = rng.pick(topics());
    const QString merchant = merchantId(m);
    TicketSource t;
    t.id = QStringLiteral("%1-t%2").arg(merchant).arg(index + 1);
    t.merchantId = merchant;
    t.customerId = QStringLiteral("%1-c%2").arg(merchant).arg(rng.below(std::max(3, ticketCount(m) / 3)) + 1);
    if (rng.chance(0.7))
        t.orderNumber = QString::number(rng.between(1000, 9999));
    t.status = rng.pick(std::vector<QString>{"open", "pending", "resolved", "closed"});
    t.category = topic.key;
    const double aclDraw = rng.unit();
    t.acl = aclDraw < 0.6 ? QStringList{"role:staff", "topic:" + topic.key}
          : aclDraw < 0.9 ? QStringList{"role:staff"}
                          : QStringList{"role:staff", agentIds(merchant)[rng.below(3)]};
    t.createdAt = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).addSecs(rng.between(0, 320 * 86400));
    const int turns = rng.between(1, 6);
    for (int k = 0; k < turns; ++k) {
        const bool customer = k % 2 == 0;
        QString body = k == 0 ? fill(rng.pick(topic.questions), rng)
                     : customer ? rng.pick(kCustomerFollowUps)
                                : fill(rng.pick(kAgentAnswers), rng) + QLatin1Char(' ') + fill(rng.pick(topic.sentences), rng);
        if (k == 0 && rng.chance(0.5))
            body += QLatin1Char(' ') + rng.pick(kCustomerFollowUps);
        t.messages.push_back({customer ? QStringLiteral("customer") : QStringLiteral("agent"), body,
                              t.createdAt->addSecs(k * 3600)});
    }
    return t;
}

QString SyntheticCorpus::toMarkdownFile(const DocumentSource& d)
{
    return QStringLiteral("---\nid: %1\ntitle: %2\ncategory: %3\nacl: [%4]\n---\n%5\n")
        .arg(d.id, d.title, d.category, d.acl.join(QStringLiteral(", ")), d.markdown);
}

int SyntheticCorpus::writeTree(const QString& dir) const
{
    int files = 0;
    auto write = [&](const QString& path, const QByteArray& bytes) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
            throw IngestError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        ++files;
    };
    for (int m = 0; m < options_.merchants; ++m) {
        const QString root = QDir(dir).filePath(merchantId(m));
        if (!QDir().mkpath(root + QStringLiteral("/docs")))
            throw IngestError(QStringLiteral("cannot create %1").arg(root));
        write(root + QStringLiteral("/merchant.json"), QJsonDocument(merchantJson(m)).toJson());
        for (int i = 0; i < documentCount(m); ++i) {
            const DocumentSource d = document(m, i);
            write(QStringLiteral("%1/docs/%2.md").arg(root, d.id), toMarkdownFile(d).toUtf8());
        }
        QByteArray jsonl;
        for (int i = 0; i < ticketCount(m); ++i) {
            const TicketSource t = ticket(m, i);
            QJsonArray messages;
            for (const TicketMessage& msg : t.messages)
                messages.append(QJsonObject{{"author", msg.author}, {"body", msg.body},
                                            {"created_at", msg.createdAt->toString(Qt::ISODate)}});
            QJsonObject o{{"id", t.id}, {"customer_id", t.customerId}, {"status", t.status}, {"category", t.category},
                          {"acl", QJsonArray::fromStringList(t.acl)}, {"created_at", t.createdAt->toString(Qt::ISODate)},
                          {"messages", messages}};
            if (t.orderNumber)
                o.insert(QStringLiteral("order_number"), *t.orderNumber);
            jsonl += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        }
        write(root + QStringLiteral("/tickets.jsonl"), jsonl);
    }
    return files;
}

} // namespace ac::bench
