#include "ingest/markdown_chunker.h"

#include "ingest/chunk_packer.h"
#include "ingest/token_counter.h"

#include <QRegularExpression>

namespace ac::ingest {

namespace {

const QRegularExpression kHeading(QStringLiteral("^(#{1,6})\\s+(.*?)\\s*#*\\s*$"));
const QRegularExpression kListItem(QStringLiteral("^\\s*([-*+]|\\d+[.)])\\s+"));
const QRegularExpression kFence(QStringLiteral("^\\s*(```|~~~)"));

bool isTableLine(const QString& line) { return line.trimmed().startsWith(QLatin1Char('|')); }

class DocumentChunker {
public:
    DocumentChunker(const DocumentSource& document, const ChunkerOptions& options)
        : document_(document), options_(options)
    {
    }

    std::vector<Chunk> run()
    {
        const QStringList lines = document_.markdown.split(QLatin1Char('\n'));
        QStringList paragraph;
        auto flushParagraph = [&] {
            if (!paragraph.isEmpty())
                appendParagraph(units_, paragraph.join(QLatin1Char(' ')), headingPath(), options_);
            paragraph.clear();
        };
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QString& line = lines[i];
            if (line.trimmed().isEmpty()) {
                flushParagraph();
                continue;
            }
            if (const auto m = kHeading.match(line); m.hasMatch()) {
                flushParagraph();
                heading(static_cast<int>(m.capturedLength(1)), m.captured(2).trimmed());
                continue;
            }
            if (kFence.match(line).hasMatch()) {
                flushParagraph();
                const QString fence = line.trimmed().left(3);
                QStringList block{line};
                while (++i < lines.size()) {
                    block << lines[i];
                    if (lines[i].trimmed().startsWith(fence))
                        break;
                }
                verbatim(block);
                continue;
            }
            if (isTableLine(line)) {
                flushParagraph();
                QStringList block{line};
                while (i + 1 < lines.size() && isTableLine(lines[i + 1]))
                    block << lines[++i];
                verbatim(block);
                continue;
            }
            if (kListItem.match(line).hasMatch())
                flushParagraph();
            QString text = line.trimmed();
            if (text.startsWith(QLatin1Char('>')))
                text = text.mid(1).trimmed();
            paragraph << text;
        }
        flushParagraph();
        flushSection();
        return std::move(chunks_);
    }

private:
    QString headingPath() const
    {
        QStringList parts{document_.title};
        for (const QString& h : headings_)
            if (!h.isEmpty())
                parts << h;
        return parts.join(QStringLiteral(" > "));
    }

    void heading(int level, const QString& text)
    {
        if (level == 1)
            return;
        if (level == 2) {
            flushSection();
            ++section_;
            sectionTitle_ = text;
            headings_ = {text};
            return;
        }
        // Levels 3-6 nest under the current H2 (or under the title before the first H2).
        const int depth = level - 1;
        headings_.resize(depth);
        headings_[depth - 1] = text;
        units_.push_back({text, countTokens(text), true, true, headingPath()});
    }

    void verbatim(const QStringList& block)
    {
        const QString text = block.join(QLatin1Char('\n'));
        const int tokens = countTokens(text);
        if (tokens <= options_.maxTokens) {
            units_.push_back({text, tokens, true, false, headingPath()});
            return;
        }
        bool first = true;
        for (const QString& line : block) {
            units_.push_back({line, countTokens(line), first, false, headingPath()});
            first = false;
        }
    }

    void flushSection()
    {
        for (PackedText& packed : packUnits(units_, options_)) {
            Chunk chunk;
            chunk.index = static_cast<int>(chunks_.size());
            chunk.headingPath = packed.headingPath;
            chunk.section = QString::number(section_);
            chunk.citation = section_ == 0 ? QStringLiteral("[%1]").arg(document_.title)
                                           : QStringLiteral("[%1 §%2]").arg(document_.title).arg(section_);
            chunk.text = std::move(packed.text);
            chunk.metadata = QJsonObject{
                {QStringLiteral("source"), QStringLiteral("policy")},
                {QStringLiteral("title"), document_.title},
                {QStringLiteral("category"), document_.category},
                {QStringLiteral("document_id"), document_.id},
                {QStringLiteral("section"), section_},
                {QStringLiteral("section_title"), section_ == 0 ? document_.title : sectionTitle_},
            };
            finalizeChunk(chunk);
            chunks_.push_back(std::move(chunk));
        }
        units_.clear();
    }

    const DocumentSource& document_;
    const ChunkerOptions& options_;
    std::vector<TextUnit> units_;
    std::vector<Chunk> chunks_;
    QStringList headings_;
    QString sectionTitle_;
    int section_ = 0;
};

} // namespace

std::vector<Chunk> chunkDocument(const DocumentSource& document, const ChunkerOptions& options)
{
    return DocumentChunker(document, options).run();
}

} // namespace ac::ingest
