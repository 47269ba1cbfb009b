// The console's pure pieces, without a database: plan heat grading, query-term highlighting,
// locating a chunk in its source, and the agent comparison.

#include "compare_view.h"
#include "error_text.h"
#include "login_dialog.h"
#include "message_editor.h"
#include "plan_heat.h"
#include "plan_tree_view.h"
#include "rich_text_delegate.h"
#include "score_table.h"
#include "source_viewer.h"
#include "text_highlighter.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace ac;

class TestConsoleWidgets : public QObject {
    Q_OBJECT

private slots:
    // Banners and the status bar show one readable line; the rest stays in the details.
    void errorsReadAsOneLine()
    {
        const QString libpq = QStringLiteral("connection to server on socket \"/tmp/x/.s.PGSQL.5432\" failed: No such file or directory\n"
                                             "\tIs the server running locally and accepting connections on that socket?\n");
        QCOMPARE(ui::shortErrorText(libpq),
                 QStringLiteral("connection to server on socket \"/tmp/x/.s.PGSQL.5432\" failed: No such file or directory"));
        QCOMPARE(ui::shortErrorText(QStringLiteral("ERROR:  canceling statement\tdue to user request\nCONTEXT: x")),
                 QStringLiteral("canceling statement due to user request"));
        QVERIFY(ui::shortErrorText(QString(500, QLatin1Char('x'))).size() <= 160);
        QCOMPARE(ui::shortErrorText(QStringLiteral("\n\n  FATAL:  terminating connection  \n")),
                 QStringLiteral("terminating connection"));
    }

    void timeShareLevel_data();
    void timeShareLevel();
    void misestimateLevel_data();
    void misestimateLevel();
    void exclusiveTimeSubtractsChildren();
    void planTreeColoursHotNodes();
    void cardTextIsReadableInEveryState_data();
    void cardTextIsReadableInEveryState();
    void scoresLegendSaysWhatOrdersTheRows();
    void sourceViewRendersMarkdownAndMarksTheChunk();
    void highlighting_data();
    void highlighting();
    void locateChunk_data();
    void locateChunk();
    void ticketMarkEndsWithTheTurn();
    void compareAnswers();
    void loginDialogNamesDemoAccountsOnlyOnTheDemoDatabase();
    void loginDialogWorksFromTheKeyboardAndKeepsItsHint();
    void ctrlEnterSubmitsTheMessage();
};

void TestConsoleWidgets::timeShareLevel_data()
{
    QTest::addColumn<double>("share");
    QTest::addColumn<int>("level");
    QTest::newRow("idle") << 0.0 << 0;
    QTest::newRow("ten percent") << 0.10 << 0;
    QTest::newRow("just over ten") << 0.11 << 1;
    QTest::newRow("half") << 0.5 << 1;
    QTest::newRow("over half") << 0.51 << 2;
    QTest::newRow("over ninety") << 0.95 << 3;
}

void TestConsoleWidgets::timeShareLevel()
{
    QFETCH(double, share);
    QFETCH(int, level);
    QCOMPARE(ui::timeShareLevel(share), level);
}

void TestConsoleWidgets::misestimateLevel_data()
{
    QTest::addColumn<double>("estimated");
    QTest::addColumn<double>("actual");
    QTest::addColumn<int>("level");
    QTest::newRow("exact") << 5.0 << 5.0 << 0;
    QTest::newRow("x10") << 1.0 << 10.0 << 0;
    QTest::newRow("x20 under") << 1.0 << 20.0 << 1;
    QTest::newRow("x20 over") << 200.0 << 10.0 << 1;
    QTest::newRow("x500") << 1.0 << 500.0 << 2;
    QTest::newRow("x5000") << 5000.0 << 1.0 << 3;
    QTest::newRow("zero actual counts as one") << 5.0 << 0.0 << 0;
}

void TestConsoleWidgets::misestimateLevel()
{
    QFETCH(double, estimated);
    QFETCH(double, actual);
    QFETCH(int, level);
    QCOMPARE(ui::misestimateLevel(estimated, actual), level);
}

namespace {

retrieval::PlanNode node(const QString& type, double ms, double loops, std::vector<retrieval::PlanNode> children = {})
{
    retrieval::PlanNode n;
    n.nodeType = type;
    n.actualTotalMs = ms;
    n.loops = loops;
    n.planRows = 1;
    n.actualRows = 1;
    n.children = std::move(children);
    return n;
}

} // namespace

void TestConsoleWidgets::exclusiveTimeSubtractsChildren()
{
    const retrieval::PlanNode root = node(QStringLiteral("Limit"), 10, 1, {node(QStringLiteral("Index Scan"), 2, 4)});
    QCOMPARE(ui::inclusiveMs(root.children[0]), 8.0);
    QCOMPARE(ui::exclusiveMs(root), 2.0);
    QCOMPARE(ui::exclusiveMs(root.children[0]), 8.0);
}

void TestConsoleWidgets::planTreeColoursHotNodes()
{
    retrieval::QueryPlan plan;
    plan.leg = QStringLiteral("vector");
    plan.executionMs = 10;
    retrieval::PlanNode scan = node(QStringLiteral("Index Scan"), 9.5, 1);
    scan.relation = QStringLiteral("chunks");
    scan.indexName = QStringLiteral("chunks_embedding_hnsw");
    scan.planRows = 1;
    scan.actualRows = 5000;
    plan.root = node(QStringLiteral("Limit"), 10, 1, {scan});
    ui::PlanTreeView view;
    view.showPlans({plan});
    QCOMPARE(view.indexNames(), QStringList{QStringLiteral("chunks_embedding_hnsw")});
    QTreeWidgetItem* scanItem = view.topLevelItem(0)->child(0)->child(0);
    QCOMPARE(scanItem->text(ui::PlanTreeView::Node), QStringLiteral("Index Scan on chunks"));
    QCOMPARE(scanItem->background(ui::PlanTreeView::Share).color(), ui::heatColour(3));
    QCOMPARE(scanItem->background(ui::PlanTreeView::EstimatedRows).color(), ui::heatColour(3));
    QTreeWidgetItem* limitItem = view.topLevelItem(0)->child(0);
    QCOMPARE(limitItem->background(ui::PlanTreeView::Share).style(), Qt::NoBrush);
    QCOMPARE(scanItem->text(ui::PlanTreeView::Misestimate), QStringLiteral("5000x under"));
    QCOMPARE(limitItem->text(ui::PlanTreeView::Misestimate), QString());
    QCOMPARE(ui::misestimateText(300, 10), QStringLiteral("30x over"));
    QCOMPARE(ui::misestimateText(1, 2.5), QStringLiteral("2.5x under"));
}

namespace {

// WCAG 2 contrast ratio of two colours.
double contrast(const QColor& a, const QColor& b)
{
    auto luminance = [](const QColor& c) {
        auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor cssColour(const QString& css, const QString& cls)
{
    const QRegularExpression re(QStringLiteral("\\.%1\\{color:(#[0-9a-f]{6})\\}").arg(cls));
    return QColor(re.match(css).captured(1));
}

QPalette themed(bool dark)
{
    QPalette p;
    p.setColor(QPalette::Base, dark ? QColor(0x2b, 0x2b, 0x2b) : Qt::white);
    p.setColor(QPalette::Text, dark ? QColor(0xee, 0xee, 0xee) : Qt::black);
    p.setColor(QPalette::Highlight, dark ? QColor(0x35, 0x84, 0xe4) : QColor(0x30, 0x8c, 0xc6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

} // namespace

void TestConsoleWidgets::cardTextIsReadableInEveryState_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

// The secondary text and badges of a card keep a WCAG AA contrast (4.5:1) against the background they
// are painted on: the base colour, or the highlight of the selected row.
void TestConsoleWidgets::cardTextIsReadableInEveryState()
{
    QFETCH(bool, dark);
    const QPalette palette = themed(dark);
    for (const bool selected : {false, true}) {
        const QString css = ui::cardStyleSheet(palette, selected);
        const QColor background = palette.color(selected ? QPalette::Highlight : QPalette::Base);
        for (const QString& cls : {QStringLiteral("meta"), QStringLiteral("badge-document"), QStringLiteral("badge-ticket")}) {
            const QColor colour = cssColour(css, cls);
            QVERIFY2(colour.isValid(), qPrintable(css));
            if (selected)
                QCOMPARE(colour, palette.color(QPalette::HighlightedText));
            const double ratio = contrast(colour, background);
            QVERIFY2(ratio >= 3.0 && (selected || ratio >= 4.5),
                     qPrintable(QStringLiteral("%1 %2: %3 on %4 = %5").arg(cls).arg(selected).arg(colour.name(), background.name()).arg(ratio)));
        }
    }
}

void TestConsoleWidgets::scoresLegendSaysWhatOrdersTheRows()
{
    retrieval::Diagnostics d;
    d.settings.insert(QStringLiteral("fusion"), QStringLiteral("convex"));
    d.reranker = QStringLiteral("lexical");
    QVERIFY(ui::scoreLegend(d).contains(QStringLiteral("by <b>rerank</b> score")));
    QVERIFY(ui::scoreLegend(d).contains(QStringLiteral("convex")));
    d.reranker.clear();
    QVERIFY(ui::scoreLegend(d).contains(QStringLiteral("by <b>fused</b> score")));

    retrieval::RetrievedChunk chunk;
    chunk.rank = 1;
    chunk.citation = QStringLiteral("[Refund Policy §2]");
    chunk.scores.fused = 0.8;
    chunk.scores.vectorSimilarity = 0.61;
    chunk.scores.vectorRank = 3;
    ui::ScoreTable table;
    table.showScores({chunk}, d);
    QVERIFY(!table.horizontalHeaderItem(ui::ScoreTable::Lexical)->toolTip().isEmpty());
    QVERIFY(table.item(0, ui::ScoreTable::Vector)->toolTip().contains(QStringLiteral("#3 in its leg")));
    QCOMPARE(table.item(0, ui::ScoreTable::Lexical)->toolTip(), QStringLiteral("Not found by this leg"));
}

// Documents are Markdown: the reader sees it rendered, with the chunk marked where it sits and the
// title above the scrolling text.
void TestConsoleWidgets::sourceViewRendersMarkdownAndMarksTheChunk()
{
    ui::SourceDocument doc;
    doc.sourceType = QStringLiteral("document");
    doc.sourceId = QStringLiteral("d7");
    doc.title = QStringLiteral("Refund Policy");
    doc.acl = {QStringLiteral("role:staff")};
    doc.body = QStringLiteral("# Refund Policy\n\nThis policy explains **when** refunds are granted.\n\n"
                              "## Timing\n\nRefunds reach the card\nwithin *5 business days*:\n\n- card: 5 days\n- PayPal: 1 day\n\n"
                              "## Other\n\nNothing else.\n");
    ui::SourceViewer viewer;
    viewer.showSource(doc, QStringLiteral("## Timing\n\nRefunds reach the card within *5 business days*:\n\n- card: 5 days"));
    QVERIFY(viewer.headerText().contains(QStringLiteral("Refund Policy")));
    QVERIFY2(!viewer.toPlainText().contains(QStringLiteral("**")) && !viewer.toPlainText().contains(QStringLiteral("## ")),
             qPrintable(viewer.toPlainText()));
    const QString marked = viewer.markedText().replace(QChar::ParagraphSeparator, QLatin1Char(' '));
    QVERIFY2(marked.startsWith(QStringLiteral("Timing")) && marked.contains(QStringLiteral("5 business days")) &&
                 marked.endsWith(QStringLiteral("5 days")) && !marked.contains(QStringLiteral("PayPal")),
             qPrintable(marked));
    QVERIFY(viewer.toHtml().contains(QStringLiteral("#fff1a8")));

    ui::SourceDocument ticket = doc;
    ticket.sourceType = QStringLiteral("ticket");
    ticket.body = QStringLiteral("customer (2026-01-01 10:00):\nWhere is my **refund**?");
    viewer.showSource(ticket, QStringLiteral("Customer: Where is my **refund**?"));
    QVERIFY(viewer.toPlainText().contains(QStringLiteral("**refund**")));  // a conversation is shown as typed
    QVERIFY(!viewer.markedText().isEmpty());
}

void TestConsoleWidgets::highlighting_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("matched");
    QTest::newRow("plural meets singular") << QStringLiteral("where is my refund") << QStringLiteral("Refunds are sent")
                                           << QStringList{QStringLiteral("refunds")};
    QTest::newRow("order number") << QStringLiteral("Order #4821") << QStringLiteral("order 4821 arrived")
                                  << QStringList{QStringLiteral("order"), QStringLiteral("4821")};
    QTest::newRow("stop words ignored") << QStringLiteral("the and of") << QStringLiteral("the cat and the hat") << QStringList{};
    QTest::newRow("sku") << QStringLiteral("WID-BLU-01 broke") << QStringLiteral("Item wid-blu-01 x1") << QStringList{QStringLiteral("wid-blu-01")};
}

void TestConsoleWidgets::highlighting()
{
    QFETCH(QString, query);
    QFETCH(QString, text);
    QFETCH(QStringList, matched);
    const ui::TextHighlighter h(query);
    QCOMPARE(h.matchedTerms(text), matched);
    QCOMPARE(h.toHtml(text).count(QStringLiteral("<span")), matched.size());
    QVERIFY(!ui::TextHighlighter(query).toHtml(QStringLiteral("<script>")).contains(QStringLiteral("<script>")));
}

void TestConsoleWidgets::locateChunk_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("chunk");
    QTest::addColumn<qsizetype>("start");
    QTest::newRow("exact") << QStringLiteral("# T\n\nFirst para.\n\nSecond para.") << QStringLiteral("Second para.") << qsizetype(18);
    QTest::newRow("reflowed") << QStringLiteral("Intro\nRefunds are\ngranted within 30 days.") << QStringLiteral("Refunds are granted within 30 days.")
                              << qsizetype(6);
    QTest::newRow("absent") << QStringLiteral("nothing here") << QStringLiteral("something else") << qsizetype(-1);
    QTest::newRow("ticket turns") << QStringLiteral("customer (2026-11-19 09:12):\nWhere is my refund?\n\nagent (2026-11-19 10:47):\nIt is on its way.")
                                  << QStringLiteral("Customer: Where is my refund? Agent: It is on its way.") << qsizetype(29);
}

// A turn label in the chunk ("Customer: ") is not in the conversation: the mark must not run past
// the turn into the next speaker's header.
void TestConsoleWidgets::ticketMarkEndsWithTheTurn()
{
    const QString body = QStringLiteral("customer (2026-11-05 15:40):\nPassword reset link expired again\n\nagent (2026-11-05 17:15):\nReset links are valid.");
    const auto [start, length] = ui::locateChunk(body, QStringLiteral("Customer: Password reset link expired again"));
    QCOMPARE(body.mid(start, length), QStringLiteral("Password reset link expired again"));
}

void TestConsoleWidgets::locateChunk()
{
    QFETCH(QString, body);
    QFETCH(QString, chunk);
    QFETCH(qsizetype, start);
    QCOMPARE(ui::locateChunk(body, chunk).first, start);
}

void TestConsoleWidgets::compareAnswers()
{
    auto answer = [](const QStringList& sources, const QStringList& tokens) {
        ui::AskAnswer a;
        a.pack.agent.aclTokens = tokens;
        for (const QString& s : sources) {
            retrieval::RetrievedChunk c;
            c.sourceType = s.startsWith(QLatin1Char('t')) ? QStringLiteral("ticket") : QStringLiteral("document");
            c.sourceId = s;
            c.citation = QStringLiteral("[%1]").arg(s);
            c.acl = s == QLatin1String("d9") || s == QLatin1String("t3") ? QStringList{QStringLiteral("role:staff")}
                                                                         : QStringList{QStringLiteral("role:staff"), QStringLiteral("topic:refund")};
            a.pack.chunks.push_back(c);
        }
        return a;
    };
    const QStringList alice{QStringLiteral("u1"), QStringLiteral("role:staff")};
    const QStringList bob{QStringLiteral("u3"), QStringLiteral("topic:refund")};
    const ui::AnswerDifference diff = ui::compareAnswers(answer({"d7", "d9", "t3", "d11"}, alice), answer({"d7", "t5"}, bob));
    QCOMPARE(diff.onlyLeft, (QStringList{QStringLiteral("[d9]"), QStringLiteral("[t3]"), QStringLiteral("[d11]")}));
    QCOMPARE(diff.hiddenFromRight, (QStringList{QStringLiteral("[d9]"), QStringLiteral("[t3]")}));  // d11: Bob may read it
    QCOMPARE(diff.onlyRight, QStringList{QStringLiteral("[t5]")});
    QCOMPARE(diff.hiddenFromLeft, QStringList{});
    QCOMPARE(diff.both, QStringList{QStringLiteral("[d7]")});
}

// Keyboard only: Tab from the agent list into the password, type, Enter logs in. A wrong password's
// error grows the dialog and leaves the demo accounts in view. The compare login offers only
// agents of the same merchant.
void TestConsoleWidgets::loginDialogWorksFromTheKeyboardAndKeepsItsHint()
{
    ui::AgentAccounts agents(3);
    agents[0] = {QStringLiteral("u1"), QStringLiteral("Alice"), QStringLiteral("staff"), QStringLiteral("m01"),
                 QStringLiteral("Acme Co."), QStringLiteral("agent_u1"), QStringLiteral("alice-demo")};
    agents[1] = {QStringLiteral("u3"), QStringLiteral("Bob"), QStringLiteral("contractor"), QStringLiteral("m01"),
                 QStringLiteral("Acme Co."), QStringLiteral("agent_u3"), QStringLiteral("bob-demo")};
    agents[2] = {QStringLiteral("u9"), QStringLiteral("Carol"), QStringLiteral("staff"), QStringLiteral("m02"),
                 QStringLiteral("Globex"), QStringLiteral("agent_u9"), QStringLiteral("carol-demo")};
    ui::LoginDialog dialog(QStringLiteral("test"));
    dialog.setAgents(agents, true);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    auto* picker = dialog.findChild<QComboBox*>(QStringLiteral("agentPicker"));
    auto* password = dialog.findChild<QLineEdit*>(QStringLiteral("passwordEdit"));
    picker->setFocus();
    QTest::keyClick(picker, Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), password);
    QSignalSpy requested(&dialog, &ui::LoginDialog::loginRequested);
    QTest::keyClicks(password, QStringLiteral("alice-demo"));
    QTest::keyClick(password, Qt::Key_Return);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().at(1).toString(), QStringLiteral("alice-demo"));

    QLabel* hint = nullptr;
    for (QLabel* l : dialog.findChildren<QLabel*>())
        if (l->text().contains(QStringLiteral("Demo accounts")))
            hint = l;
    QVERIFY(hint);
    dialog.setError(QStringLiteral("login refused: wrong agent or password"));
    QVERIFY(hint->isVisible());
    QVERIFY(dialog.height() >= dialog.minimumSizeHint().height());
    QVERIFY(hint->geometry().bottom() <= dialog.height());

    ui::LoginDialog compare(QStringLiteral("test"));
    compare.excludeAgent(QStringLiteral("u1"), QStringLiteral("m01"));
    compare.setAgents(agents, true);
    auto* comparePicker = compare.findChild<QComboBox*>(QStringLiteral("agentPicker"));
    QCOMPARE(comparePicker->count(), 1);
    QCOMPARE(comparePicker->itemData(0).toString(), QStringLiteral("u3"));
}

void TestConsoleWidgets::loginDialogNamesDemoAccountsOnlyOnTheDemoDatabase()
{
    ui::AgentAccounts agents(2);
    agents[0] = {QStringLiteral("u1"), QStringLiteral("Alice"), QStringLiteral("staff"), QStringLiteral("m01"),
                 QStringLiteral("Acme Co."), QStringLiteral("agent_u1"), QStringLiteral("alice-demo")};
    agents[1] = {QStringLiteral("u3"), QStringLiteral("Bob"), QStringLiteral("contractor"), QStringLiteral("m01"),
                 QStringLiteral("Acme Co."), QStringLiteral("agent_u3"), QStringLiteral("bob-demo")};
    auto hintOf = [](const ui::LoginDialog& dialog) {
        QStringList texts;
        for (const QLabel* label : dialog.findChildren<QLabel*>())
            texts << label->text();
        return texts.join(QLatin1Char('\n'));
    };
    ui::LoginDialog demo(QStringLiteral("embedded /tmp/x"));
    demo.setAgents(agents, true);
    QVERIFY(hintOf(demo).contains(QStringLiteral("alice-demo")));
    QVERIFY(hintOf(demo).contains(QStringLiteral("bob-demo")));
    demo.selectAgent(QStringLiteral("u3"));
    QCOMPARE(demo.account().agentId, QStringLiteral("u3"));

    ui::LoginDialog server(QStringLiteral("server db@host"));
    server.setAgents(agents, false);
    QVERIFY(!hintOf(server).contains(QStringLiteral("alice-demo")));

    ui::LoginDialog compare(QStringLiteral("embedded /tmp/x"));
    compare.excludeAgent(QStringLiteral("u1"));
    compare.setAgents(agents, true);
    QCOMPARE(compare.account().agentId, QStringLiteral("u3"));
    QSignalSpy requested(&compare, &ui::LoginDialog::loginRequested);
    compare.setPassword(QStringLiteral("bob-demo"));
    compare.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().at(1).toString(), QStringLiteral("bob-demo"));
}

void TestConsoleWidgets::ctrlEnterSubmitsTheMessage()
{
    ui::MessageEditor editor;
    QSignalSpy submitted(&editor, &ui::MessageEditor::submitted);
    QTest::keyClicks(&editor, QStringLiteral("Where is my refund?"));
    QTest::keyClick(&editor, Qt::Key_Return);
    QCOMPARE(submitted.size(), 0);  // a plain Enter is a new line
    QTest::keyClick(&editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(submitted.size(), 1);
    QCOMPARE(submitted.first().first().toString(), QStringLiteral("Where is my refund?"));
    editor.clear();
    QTest::keyClick(&editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(submitted.size(), 1);  // nothing to ask
}

QTEST_MAIN(TestConsoleWidgets)
#include "test_console_widgets.moc"
