#include "bench_corpus.h"

#include "cli_support.h"

#include "db/db_error.h"
#include "ingest/bulk_loader.h"
#include "ingest/corpus_training.h"
#include "ingest/graph_deferral.h"
#include "ingest/prepared_source.h"
#include "security/role_provisioner.h"

#include <QElapsedTimer>

namespace ac::cli::bench {

namespace {

struct Topic {
    const char* name;
    std::vector<const char*> aspects;
    std::vector<const char*> sentences;  // {p} product, {n} number, {o} order, {s} sku
};

const std::vector<Topic>& topics()
{
    static const std::vector<Topic> list = {
        {"refund", {"Eligibility", "Timing", "Partial refunds", "Escalation", "Card refunds"},
         {"Refunds for the {p} are issued to the original payment method within {n} business days.",
          "A customer who returns the {p} unused within {n} days receives a full refund.",
          "If the refund for order {o} has not arrived after {n} business days, escalate to the payments team.",
          "Never issue a second refund for the same order; check the refund state first.",
          "Partial refunds cover the returned items and their share of any discount.",
          "Card refunds take {n} business days to appear on the statement after they are issued.",
          "The refund request appears in the order history with the date it was made.",
          "Store credit is offered when the refund window of {n} days has passed."}},
        {"shipping", {"Delivery times", "Tracking", "Lost parcels", "Express"},
         {"Standard shipping of the {p} takes {n} business days.",
          "Every shipped order has a tracking link in the confirmation email.",
          "If tracking for order {o} shows no movement for {n} days, open a carrier investigation.",
          "Express delivery arrives within {n} business days when ordered before 2 pm.",
          "Parcels marked delivered but not received are reported to the carrier within {n} days."}},
        {"password", {"Reset", "Two-factor", "Locked accounts"},
         {"To reset a password the customer visits /account/reset and enters the account email.",
          "Reset links expire after {n} minutes; requesting a new link invalidates the old one.",
          "Two-factor authentication is required on Pro plans and optional on Starter.",
          "After {n} failed sign-in attempts an account is locked for 15 minutes.",
          "Agents never set or read out a password."}},
        {"billing", {"Invoices", "Plans", "Failed payments"},
         {"Invoices for the {p} are emailed on the first business day of the month.",
          "A failed card payment is retried {n} times before the subscription pauses.",
          "Upgrading to the Pro plan is prorated for the remaining {n} days.",
          "VAT numbers can be added to invoices from the billing page."}},
        {"warranty", {"Coverage", "Claims", "Repairs"},
         {"The {p} carries a {n}-month warranty against manufacturing defects.",
          "Warranty claims need the order number {o} and a photo of the defect.",
          "Repairs under warranty take about {n} business days at the service centre.",
          "Damage from misuse or accidents is not covered by the warranty on {s}."}},
        {"returns", {"Return labels", "Condition", "Exchanges"},
         {"A prepaid return label for the {p} is emailed within one business day.",
          "Returned items must be unused and in the original packaging.",
          "Exchanges for a different size of {s} ship once the return is scanned.",
          "The customer ships the item back within {n} days of receiving the label."}},
        {"account", {"Profile", "Email change", "Closing an account"},
         {"Customers update their profile and address from the account page.",
          "An email change is confirmed through a link sent to the new address.",
          "Closing an account deletes saved addresses after {n} days.",
          "Identity is verified with the last order number {o} and the billing postcode."}},
        {"product", {"Specifications", "Compatibility", "Care"},
         {"The {p} ({s}) weighs {n} grams and ships with a USB-C cable.",
          "The {p} is compatible with every model released after {n}.",
          "Clean the {p} with a dry cloth; water voids the warranty.",
          "Replacement parts for {s} are sold separately."}},
    };
    return list;
}

const std::vector<const char*>& products()
{
    static const std::vector<const char*> list = {"blue widget", "red widget", "travel kettle", "desk lamp",
                                                   "wireless mouse", "camping tent", "yoga mat", "coffee grinder",
                                                   "phone case", "garden hose", "rain jacket", "smart plug"};
    return list;
}

QString sku(std::mt19937_64& rng)
{
    static const char* prefixes[] = {"WID", "KET", "LMP", "MOU", "TNT", "YOG", "GRN", "CAS"};
    return QStringLiteral("%1-%2-%3").arg(QLatin1String(prefixes[rng() % 8])).arg(QChar(QLatin1Char('A' + rng() % 26)))
        .arg(rng() % 100, 2, 10, QLatin1Char('0'));
}

QString fill(const char* templ, std::mt19937_64& rng)
{
    QString s = QString::fromLatin1(templ);
    s.replace(QLatin1String("{p}"), QLatin1String(products()[rng() % products().size()]));
    s.replace(QLatin1String("{n}"), QString::number(2 + rng() % 58));
    s.replace(QLatin1String("{o}"), QString::number(10000 + rng() % 90000));
    s.replace(QLatin1String("{s}"), sku(rng));
    return s;
}

QString paragraph(const Topic& topic, std::mt19937_64& rng)
{
    QStringList sentences;
    const int count = 3 + static_cast<int>(rng() % 4);
    for (int i = 0; i < count; ++i) {
        // One sentence in five wanders into another topic, as real documents do.
        const Topic& from = (rng() % 5 == 0) ? topics()[rng() % topics().size()] : topic;
        sentences << fill(from.sentences[rng() % from.sentences.size()], rng);
    }
    return sentences.join(QLatin1Char(' '));
}

void exec(db::PgConnection& conn, const char* sql, const db::PgParams& params) { conn.exec(sql, params); }

constexpr const char* kInsertMerchant =
    "INSERT INTO merchants (id, name, plan) VALUES ($1, $2, 'pro') ON CONFLICT (id) DO NOTHING";
constexpr const char* kInsertAgent =
    "INSERT INTO agents (id, merchant_id, display_name, kind, acl_tokens, db_role) VALUES ($1, $2, $3, $4, $5::text[], $6) "
    "ON CONFLICT (id) DO NOTHING";
constexpr const char* kInsertCustomer =
    "INSERT INTO customers (merchant_id, id, name, email) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
constexpr const char* kInsertOrder =
    "INSERT INTO orders (merchant_id, order_number, customer_id, status, refund_state, total_cents, ordered_at, "
    "shipped_at) VALUES ($1, $2, $3, 'shipped', $4, $5, now() - interval '10 days', now() - interval '8 days') "
    "ON CONFLICT DO NOTHING";
constexpr const char* kInsertItem =
    "INSERT INTO order_items (merchant_id, order_number, line_no, sku, description, quantity, unit_price_cents) "
    "VALUES ($1, $2, 1, $3, $4, 1, $5) ON CONFLICT DO NOTHING";
constexpr const char* kInsertTicket =
    "INSERT INTO tickets (id, merchant_id, customer_id, order_number, text, status, category, acl) "
    "VALUES ($1, $2, $3, $4, $5, 'open', 'refund', '{role:staff,topic:refund}') ON CONFLICT (id) DO NOTHING";

} // namespace

QString benchRole(const QString& agentId)
{
    return QStringLiteral("bench_") + QString(agentId).replace(QLatin1Char('-'), QLatin1Char('_'));
}

std::vector<BenchMerchant> planCorpus(const CorpusSpec& spec)
{
    std::vector<BenchMerchant> merchants;
    const int small = std::max(0, spec.merchants - spec.bigMerchants);
    for (int i = 0; i < spec.merchants; ++i) {
        BenchMerchant m;
        m.id = QStringLiteral("bm%1").arg(i, 3, 10, QLatin1Char('0'));
        const bool big = i < spec.bigMerchants;
        const double share = big ? spec.bigShare / std::max(1, spec.bigMerchants)
                                 : (1.0 - (spec.bigMerchants > 0 ? spec.bigShare : 0.0)) / std::max(1, small);
        m.targetChunks = static_cast<qint64>(spec.chunks * share);
        m.alice = m.id + QStringLiteral("-alice");
        m.bob = m.id + QStringLiteral("-bob");
        for (int o = 0; o < 50; ++o)
            m.orderNumbers << QString::number(40000 + i * 100 + o);
        merchants.push_back(m);
    }
    return merchants;
}

std::vector<ingest::PreparedSource> merchantDocuments(const BenchMerchant& m, std::mt19937_64& rng)
{
    ingest::ChunkerOptions chunking;
    chunking.minTokens = 120;
    chunking.maxTokens = 300;
    chunking.overlapTokens = 0;
    std::vector<ingest::PreparedSource> sources;
    qint64 planned = 0;
    for (int d = 0; planned < m.targetChunks; ++d) {
        const Topic& topic = topics()[static_cast<size_t>(d) % topics().size()];
        ingest::DocumentSource doc;
        doc.id = QStringLiteral("%1-d%2").arg(m.id).arg(d);
        doc.merchantId = m.id;
        doc.title = QStringLiteral("%1 guide %2").arg(QString::fromLatin1(topic.name)).arg(d);
        doc.title[0] = doc.title[0].toUpper();
        doc.category = QString::fromLatin1(topic.name);
        doc.acl = {QStringLiteral("role:staff"), QStringLiteral("topic:%1").arg(QLatin1String(topic.name))};
        QString markdown = QStringLiteral("# %1\n\n").arg(doc.title);
        const int sections = 4 + static_cast<int>(rng() % 6);
        for (int s = 0; s < sections; ++s) {
            markdown += QStringLiteral("## %1 %2\n\n").arg(doc.title, QLatin1String(topic.aspects[rng() % topic.aspects.size()]));
            for (int p = 0; p < 3; ++p)
                markdown += paragraph(topic, rng) + QStringLiteral("\n\n");
        }
        doc.markdown = markdown;
        sources.push_back(ingest::prepareDocument(doc, chunking));
        planned += static_cast<qint64>(sources.back().chunks.size());
    }
    return sources;
}

void addCorpusSpecOptions(QCommandLineParser& parser, const QString& defaultChunks)
{
    parser.addOptions({
        {QStringLiteral("chunks"), QStringLiteral("Target corpus size in chunks."), QStringLiteral("n"), defaultChunks},
        {QStringLiteral("merchants"), QStringLiteral("Merchants."), QStringLiteral("n"), QStringLiteral("40")},
        {QStringLiteral("big-merchants"), QStringLiteral("Large tenants among them."), QStringLiteral("n"), QStringLiteral("2")},
        {QStringLiteral("big-share"), QStringLiteral("Share of chunks the large tenants hold (percent)."), QStringLiteral("pct"), QStringLiteral("60")},
    });
}

CorpusSpec corpusSpecOptions(const QCommandLineParser& parser)
{
    CorpusSpec spec;
    spec.chunks = intOption(parser, QStringLiteral("chunks"), 100, 100000000);
    spec.merchants = intOption(parser, QStringLiteral("merchants"), 1, 100000);
    spec.bigMerchants = intOption(parser, QStringLiteral("big-merchants"), 0, spec.merchants);
    spec.bigShare = intOption(parser, QStringLiteral("big-share"), 0, 100) / 100.0;
    return spec;
}

LoadedCorpus loadCorpus(db::PgConnection& conn, const QString& conninfo, const ingest::EmbedderConfig& config,
                        const CorpusSpec& spec, const std::vector<BenchMerchant>& merchants,
                        const std::function<void(const QString&)>& progress)
{
    std::mt19937_64 rng(spec.seed);
    LoadedCorpus loaded;
    for (const BenchMerchant& m : merchants) {
        {
            db::Transaction tx(conn);
            exec(conn, kInsertMerchant, db::PgParams().add(m.id).add(QStringLiteral("Bench merchant %1").arg(m.id)));
            exec(conn, kInsertAgent, db::PgParams().add(m.alice).add(m.id).add(QStringLiteral("Alice"))
                                         .add("staff").addTextArray({m.alice, QStringLiteral("role:staff")})
                                         .add(benchRole(m.alice)));
            exec(conn, kInsertAgent, db::PgParams().add(m.bob).add(m.id).add(QStringLiteral("Bob"))
                                         .add("contractor").addTextArray({m.bob, QStringLiteral("topic:refund")})
                                         .add(benchRole(m.bob)));
            security::provisionAgentRole(conn, benchRole(m.alice), {});
            security::provisionAgentRole(conn, benchRole(m.bob), {});
            for (int c = 0; c < 20; ++c)
                exec(conn, kInsertCustomer, db::PgParams().add(m.id).add(QStringLiteral("c%1").arg(c))
                                                .add(QStringLiteral("Customer %1").arg(c))
                                                .add(QStringLiteral("c%1@%2.example").arg(c).arg(m.id)));
            for (int o = 0; o < m.orderNumbers.size(); ++o) {
                const QString customer = QStringLiteral("c%1").arg(o % 20);
                const QString number = m.orderNumbers[o];
                const qint64 cents = 500 + static_cast<qint64>(rng() % 20000);
                exec(conn, kInsertOrder, db::PgParams().add(m.id).add(number).add(customer)
                                             .add(o % 3 == 0 ? "requested" : "none").add(cents));
                exec(conn, kInsertItem, db::PgParams().add(m.id).add(number).add(sku(rng))
                                            .add(QString::fromLatin1(products()[o % products().size()])).add(cents));
                if (o % 2 == 0)
                    exec(conn, kInsertTicket, db::PgParams().add(QStringLiteral("%1-t%2").arg(m.id).arg(o)).add(m.id)
                                                  .add(customer).add(number)
                                                  .add(QStringLiteral("Where is my refund for order %1?").arg(number)));
            }
            tx.commit();
        }

        std::vector<ingest::PreparedSource> sources = merchantDocuments(m, rng);
        // As `ragctl load` does: a first load under the corpus provider trains the model on it.
        QElapsedTimer training;
        training.start();
        const auto embedder = ingest::embedderForLoad(conn, m.id, config, ingest::embedTexts(sources));
        loaded.trainingSeconds += training.elapsed() / 1000.0;
        ingest::BulkLoader loader(conn, *embedder, {}, 2000);
        loader.setConninfo(conninfo);
        loader.setGraphPolicy(ingest::GraphPolicy::Keep);  // the benchmark builds every graph after the load
        const ingest::IngestResult r = loader.load(m.id, std::move(sources));
        loaded.chunks += r.chunksWritten;
        if (progress)
            progress(QStringLiteral("%1: %2 chunks (total %3)").arg(m.id).arg(r.chunksWritten).arg(loaded.chunks));
    }
    return loaded;
}

QStringList makeQueries(int count, const CorpusSpec& spec)
{
    static const char* templates[] = {
        "where is my refund for the {p}", "how long do card refunds take", "refund for order {o} never arrived",
        "can I get a refund on the {p}", "partial refund discount", "password reset link expired",
        "two-factor required on pro plan", "account locked after failed sign-in", "tracking shows no movement",
        "express delivery times", "warranty claim for {s}", "return label for the {p}", "exchange a different size",
        "invoice VAT number", "failed card payment retried", "is the {p} compatible", "clean the {p}",
        "I ordered the {p} on Tuesday and the refund never arrived. Order #{o}.",
        "my parcel was marked delivered but I never received the {p}", "change the email on my account",
        "second refund for the same order", "store credit after the refund window", "{s}",
    };
    std::mt19937_64 rng(spec.seed + 1);
    QStringList queries;
    for (int i = 0; i < count; ++i)
        queries << fill(templates[rng() % (sizeof templates / sizeof *templates)], rng);
    return queries;
}

QString makeCustomerMessage(const BenchMerchant& merchant, std::mt19937_64& rng)
{
    const QString order = merchant.orderNumbers[static_cast<qsizetype>(rng() % merchant.orderNumbers.size())];
    return QStringLiteral("Hi, I ordered the %1 last week and the refund never arrived. Order #%2. Can you check?")
        .arg(QLatin1String(products()[rng() % products().size()]), order);
}

} // namespace ac::cli::bench
