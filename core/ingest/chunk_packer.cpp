#include "ingest/chunk_packer.h"

#include "ingest/sentence_splitter.h"
#include "ingest/token_counter.h"

namespace ac::ingest {

namespace {

class Packer {
public:
    Packer(const std::vector<TextUnit>& units, const ChunkerOptions& options) : units_(units), options_(options) {}

    std::vector<PackedText> run()
    {
        for (size_t i = 0; i < units_.size(); ++i) {
            const TextUnit& unit = units_[i];
            if (unit.breakBefore && hasContent() && tokens_ >= options_.minTokens)
                close(false);
            if (unit.paragraphStart && hasContent() && tokens_ + paragraphTokens(i) > options_.maxTokens
                && tokens_ >= options_.minTokens)
                close(true);
            if (tokens_ + unit.tokens > options_.maxTokens && !current_.empty()) {
                if (hasContent()) {
                    close(true);
                }
                while (!current_.empty() && tokens_ + unit.tokens > options_.maxTokens)
                    dropFirstOverlap();
            }
            add(i, false);
        }
        if (hasContent())
            close(false);
        return std::move(out_);
    }

private:
    struct Member {
        size_t unit;
        bool overlap;
    };

    bool hasContent() const
    {
        for (const Member& m : current_)
            if (!m.overlap)
                return true;
        return false;
    }

    int paragraphTokens(size_t first) const
    {
        int total = units_[first].tokens;
        for (size_t j = first + 1; j < units_.size() && !units_[j].paragraphStart && !units_[j].breakBefore; ++j)
            total += units_[j].tokens;
        return total;
    }

    void add(size_t unit, bool overlap)
    {
        current_.push_back({unit, overlap});
        tokens_ += units_[unit].tokens;
    }

    void dropFirstOverlap()
    {
        tokens_ -= units_[current_.front().unit].tokens;
        current_.erase(current_.begin());
    }

    void close(bool withOverlap)
    {
        PackedText packed;
        bool first = true;
        for (const Member& m : current_) {
            const TextUnit& unit = units_[m.unit];
            if (!first)
                packed.text += unit.paragraphStart || unit.breakBefore ? QStringLiteral("\n\n") : QStringLiteral(" ");
            packed.text += unit.text;
            if (!m.overlap && packed.headingPath.isNull())
                packed.headingPath = unit.headingPath;
            first = false;
        }
        out_.push_back(std::move(packed));

        std::vector<Member> carried;
        if (withOverlap && options_.overlapTokens > 0) {
            int budget = options_.overlapTokens;
            for (auto it = current_.rbegin(); it != current_.rend(); ++it) {
                const TextUnit& unit = units_[it->unit];
                if (unit.breakBefore || unit.tokens > budget)
                    break;
                budget -= unit.tokens;
                carried.insert(carried.begin(), {it->unit, true});
                if (unit.paragraphStart)
                    break;
            }
        }
        current_.clear();
        tokens_ = 0;
        for (const Member& m : carried)
            add(m.unit, true);
    }

    const std::vector<TextUnit>& units_;
    const ChunkerOptions& options_;
    std::vector<Member> current_;
    int tokens_ = 0;
    std::vector<PackedText> out_;
};

} // namespace

std::vector<PackedText> packUnits(const std::vector<TextUnit>& units, const ChunkerOptions& options)
{
    return Packer(units, options).run();
}

void appendParagraph(std::vector<TextUnit>& units, const QString& paragraph, const QString& headingPath,
                     const ChunkerOptions& options)
{
    bool first = true;
    for (const QString& sentence : splitSentences(paragraph)) {
        const int tokens = countTokens(sentence);
        const QStringList pieces = tokens > options.maxTokens ? splitWords(sentence, options.maxTokens)
                                                              : QStringList{sentence};
        for (const QString& piece : pieces) {
            units.push_back({piece, countTokens(piece), first, false, headingPath});
            first = false;
        }
    }
}

} // namespace ac::ingest

