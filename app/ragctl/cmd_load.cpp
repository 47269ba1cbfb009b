#include "cli_support.h"
#include "command_registry.h"
#include "ingest/prepared_source.h"
#include "ingest/source_parsers.h"
#include "ingest_cli.h"

#include <QDirIterator>
#include <QFileInfo>

namespace ac::cli {
namespace {

QStringList markdownFiles(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists())
        throw UsageError(QStringLiteral("%1: no such file or directory").arg(path));
    if (info.isFile())
        return {path};
    QStringList files;
    QDirIterator it(path, {QStringLiteral("*.md"), QStringLiteral("*.markdown")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    if (files.isEmpty())
        throw ingest::SourceError(QStringLiteral("%1: no .md files found").arg(path));
    return files;
}

int runLoad(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    addSourceOptions(parser);
    addEmbedderOptions(parser);
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Chunks per transaction (default 2000)."), QStringLiteral("n"),
                      QStringLiteral("2000")});
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("A Markdown file, or a folder searched for *.md."));
    parseOrThrow(parser, args, QStringLiteral("Load Markdown documents (front matter: id, title, category, acl) for a "
                                              "merchant: chunked, embedded and written transactionally. Re-running "
                                              "changes nothing."));
    if (parser.positionalArguments().size() != 1)
        throw UsageError(QStringLiteral("give exactly one file or folder"));
    const QString merchant = requiredMerchant(parser);
    const int batch = intOption(parser, QStringLiteral("batch"), 1, 1000000);

    // Every file is parsed before anything is written: one bad file loads nothing.
    std::vector<ingest::PreparedSource> sources;
    for (const QString& file : markdownFiles(parser.positionalArguments().first())) {
        ingest::DocumentSource d = ingest::parseDocumentFile(file);
        d.merchantId = merchant;
        d.acl = applyAclOptions(parser, d.acl);
        sources.push_back(ingest::prepareDocument(d, ingest::ChunkerOptions{}));
    }
    bulkLoad(parser, merchant, std::move(sources), {}, batch, QStringLiteral("documents"), ingest::SourceKind::Document);
    return 0;
}

const CommandRegistrar kLoad("load", "load Markdown documents for a merchant (file or folder)", &runLoad);

} // namespace
} // namespace ac::cli
