#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <vector>

namespace ac::eval {

struct BeirDocument {
    QString id;
    QString title;
    QString text;
};

struct BeirQuery {
    QString id;
    QString text;
};

// Graded relevance of documents for one query (BEIR qrels: score > 0 is relevant).
using Judgements = QHash<QString, int>;
using Qrels = QHash<QString, Judgements>;

// A dataset in the BEIR layout: corpus.jsonl (_id, title, text), queries.jsonl (_id, text) and
// qrels/<split>.tsv (query-id, corpus-id, score, with a header row).
struct BeirDataset {
    QString name;   // the folder's name
    QString path;
    QString hash;   // sha256 over the three files, so runs on different data never compare equal
    std::vector<BeirDocument> corpus;
    std::vector<BeirQuery> queries;  // only queries that have at least one relevant document
    Qrels qrels;
    QStringList warnings;  // judgement rows that were ignored (BeirLoadOptions::allowUnknownIds)
};

struct BeirLoadOptions {
    // A qrels row naming a query or document that the set does not have is an error (file:line)
    // unless this is set; then such rows are dropped and counted in BeirDataset::warnings.
    bool allowUnknownIds = false;
};

// Reads a folder (a file path or a Qt resource such as ":/fixtures/eval/acme"). Throws EvalError
// naming the file and line of the first malformed record.
BeirDataset loadBeirDataset(const QString& folder, const QString& split = QStringLiteral("test"),
                            const BeirLoadOptions& options = {});

} // namespace ac::eval
