#pragma once

#include "ingest/embedder_factory.h"
#include "ingest/ingestor.h"
#include "ingest/load_progress.h"
#include "ingest/prepared_source.h"
#include "ingest/source_sync.h"
#include "ingest/source_writer.h"

#include <QCommandLineParser>

namespace ac::cli {

// --provider, --model, --url, --dims: override the AGENT_CONSOLE_EMBED* environment.
void addEmbedderOptions(QCommandLineParser& parser);
ingest::EmbedderConfig embedderConfig(const QCommandLineParser& parser);

// --merchant (required), --acl (replaces every source's ACL), --add-acl (appends tokens).
void addSourceOptions(QCommandLineParser& parser);
QString requiredMerchant(const QCommandLineParser& parser);
QStringList applyAclOptions(const QCommandLineParser& parser, QStringList acl);

// A one-line progress bar on stderr: "[#####.....]  52%  52000/100000  4120/s  ETA 0:11".
class ProgressBar {
public:
    void operator()(const ingest::LoadProgress& p);
    void finish();

private:
    bool drawn_ = false;
    bool lastComplete_ = false;
    qint64 lastMs_ = -1;
    QString lastPhase_;
};

void printResult(const ingest::IngestResult& result, int sources, const QString& noun, double seconds);

// The loading commands' common end: open the database, bulk-load the sources with a progress bar,
// print the result ("loaded N <noun> ...").
// --sync (with --dry-run, --allow-mass-delete) deletes the stored sources of `kind` the load lacks.
void bulkLoad(const QCommandLineParser& parser, const QString& merchant, std::vector<ingest::PreparedSource> sources,
              const ingest::WriteOptions& options, int batch, const QString& noun, ingest::SourceKind kind);

} // namespace ac::cli
