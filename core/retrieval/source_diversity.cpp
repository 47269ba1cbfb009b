#include "retrieval/source_diversity.h"

#include <QHash>

namespace ac::retrieval {

void diversifyBySource(std::vector<RetrievedChunk>& ranked, int maxPerSource)
{
    if (maxPerSource > 0) {
        std::vector<RetrievedChunk> head, tail;
        QHash<QString, int> perSource;
        for (RetrievedChunk& c : ranked) {
            int& seen = perSource[c.sourceType + QLatin1Char('/') + c.sourceId];
            (seen++ < maxPerSource ? head : tail).push_back(std::move(c));
        }
        ranked = std::move(head);
        ranked.insert(ranked.end(), std::make_move_iterator(tail.begin()), std::make_move_iterator(tail.end()));
    }
    for (size_t i = 0; i < ranked.size(); ++i)
        ranked[i].rank = static_cast<int>(i) + 1;
}

} // namespace ac::retrieval
