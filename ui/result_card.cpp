#include "result_card.h"

#include "text_highlighter.h"

namespace ac::ui {

QString scoreSummary(const retrieval::Scores& s)
{
    QStringList parts;
    parts << QStringLiteral("fused %1").arg(s.fused, 0, 'f', 4);
    if (s.vectorSimilarity)
        parts << QStringLiteral("vector %1%2").arg(*s.vectorSimilarity, 0, 'f', 3)
                     .arg(s.vectorRank ? QStringLiteral(" (#%1)").arg(*s.vectorRank) : QString());
    if (s.lexicalScore)
        parts << QStringLiteral("lexical %1%2").arg(*s.lexicalScore, 0, 'f', 3)
                     .arg(s.lexicalRank ? QStringLiteral(" (#%1)").arg(*s.lexicalRank) : QString());
    if (s.rerank)
        parts << QStringLiteral("rerank %1").arg(*s.rerank, 0, 'f', 3);
    return parts.join(QStringLiteral(" · "));
}

QString chunkLocation(const retrieval::RetrievedChunk& chunk)
{
    if (!chunk.headingPath.isEmpty())
        return chunk.headingPath;
    return chunk.title.isEmpty() ? chunk.sourceId : chunk.title;
}

QString resultCardHtml(const retrieval::RetrievedChunk& chunk, const TextHighlighter& highlighter)
{
    const QString badgeClass = chunk.sourceType == QLatin1String("ticket") ? QStringLiteral("badge-ticket") : QStringLiteral("badge-document");
    return QStringLiteral("<div><span class=\"%1\" style=\"font-weight:bold\">%2</span>&nbsp;&nbsp;<b>%3</b>"
                          "&nbsp;<span class=\"meta\">#%4 · %5 %6</span></div>"
                          "<div style=\"margin-top:4px\">%7</div>"
                          "<div class=\"meta\" style=\"margin-top:4px;font-size:small\">ACL: %8 &nbsp;|&nbsp; %9</div>")
        .arg(badgeClass, escapeHtml(chunk.citation), escapeHtml(chunkLocation(chunk)))
        .arg(chunk.rank)
        .arg(escapeHtml(chunk.sourceType), escapeHtml(chunk.sourceId), highlighter.toHtml(chunk.text.trimmed()),
             escapeHtml(chunk.acl.join(QStringLiteral(", "))), escapeHtml(scoreSummary(chunk.scores)));
}

} // namespace ac::ui
