#pragma once

#include "ingest/source_records.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace ac::bench {

struct SyntheticOptions {
    quint64 seed = 42;
    int merchants = 10;
    int documentsPerMerchant = 20;  // mean; merchant sizes follow a Zipf-like skew
    int ticketsPerMerchant = 50;    // mean, same skew
    double skew = 1.1;              // 0 = every merchant the same size
};

// Realistic-looking support documents (Markdown with H2 sections, sizes from a few paragraphs to
// long manuals) and tickets (1-6 turns) for many merchants, with varied ACLs (staff-only, topic
// tokens, single agents). Every value is a pure function of (seed, merchant, item), so the same
// options always give byte-identical output, independent of what else is generated.
class SyntheticCorpus {
public:
    explicit SyntheticCorpus(SyntheticOptions options);

    int merchantCount() const { return options_.merchants; }
    QString merchantId(int m) const;     // "s001", ...
    int documentCount(int m) const;
    int ticketCount(int m) const;

    QJsonObject merchantJson(int m) const;  // fixture layout: id, name, plan, agents, customers, orders
    ingest::DocumentSource document(int m, int index) const;
    ingest::TicketSource ticket(int m, int index) const;

    // Writes <dir>/<merchant>/{merchant.json, docs/*.md, tickets.jsonl}, the layout `ragctl seed
    // --fixtures <dir>` loads. Returns the number of files written.
    int writeTree(const QString& dir) const;

    static QString toMarkdownFile(const ingest::DocumentSource& document);

private:
    int scaled(int m, int mean) const;
    SyntheticOptions options_;
};

} // namespace ac::bench
