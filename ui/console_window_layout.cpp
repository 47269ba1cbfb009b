#include "console_window.h"

#include "about_dialog.h"
#include "compare_view.h"
#include "developer_pane.h"
#include "draft_pane.h"
#include "message_editor.h"
#include "order_panel.h"
#include "results_view.h"
#include "source_viewer.h"
#include "ticket_history_view.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

// The window's actions, menus, toolbar and widget arrangement; console_window.cpp has its behaviour.

namespace ac::ui {

namespace {

QWidget* titled(const QString& title, QWidget* content, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), box);
    label->setBuddy(content);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

} // namespace

void ConsoleWindow::buildActions()
{
    askAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Ask"), this);
    askAction_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    askAction_->setShortcutContext(Qt::WindowShortcut);
    askAction_->setToolTip(tr("Find the context for the message (Ctrl+Enter)"));
    stopAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Stop"), this);
    stopAction_->setShortcut(QKeySequence(Qt::Key_Escape));
    stopAction_->setToolTip(tr("Cancel the running query (Esc)"));
    stopAction_->setEnabled(false);
    packAction_ = new QAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Copy context &pack"), this);
    packAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    packAction_->setToolTip(tr("Copy the LLM-ready context to the clipboard and show it (Ctrl+Shift+C)"));
    packAction_->setEnabled(false);
    compareAction_ = new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("C&ompare agents"), this);
    compareAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    compareAction_->setToolTip(tr("Run the message as both agents side by side (Ctrl+Shift+Enter)"));
    loginAction_ = new QAction(tr("&Log in as…"), this);
    loginAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    loginAction_->setEnabled(false);
    QAction* devAction = developer_->toggleViewAction();
    devAction->setShortcut(QKeySequence(Qt::Key_F12));
    devAction->setText(tr("&Developer pane"));
    auto* quitAction = new QAction(tr("&Quit"), this);
    quitAction->setShortcut(QKeySequence::Quit);
    auto* aboutAction = new QAction(tr("&About Agent Console"), this);
    auto* focusMessage = new QAction(tr("Focus &message"), this);
    focusMessage->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));

    connect(askAction_, &QAction::triggered, this, [this] { ask(editor_->message()); });
    connect(stopAction_, &QAction::triggered, this, &ConsoleWindow::stop);
    connect(packAction_, &QAction::triggered, this, &ConsoleWindow::copyContextPack);
    connect(compareAction_, &QAction::triggered, this, &ConsoleWindow::compare);
    connect(loginAction_, &QAction::triggered, this, [this] { openLoginDialog(false); });
    connect(quitAction, &QAction::triggered, this, &QWidget::close);
    connect(aboutAction, &QAction::triggered, this, [this] { showAboutDialog(this, versions_); });
    connect(focusMessage, &QAction::triggered, this, [this] { editor_->setFocus(); });

    QMenu* file = menuBar()->addMenu(tr("&Session"));
    file->addAction(loginAction_);
    file->addSeparator();
    file->addAction(quitAction);
    QMenu* query = menuBar()->addMenu(tr("&Query"));
    query->addActions({askAction_, stopAction_, packAction_, compareAction_, focusMessage});
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(devAction);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(aboutAction);

    QToolBar* bar = addToolBar(tr("Query"));
    bar->setObjectName(QStringLiteral("queryToolBar"));
    bar->addActions({askAction_, stopAction_, packAction_, compareAction_});
    bar->addSeparator();
    auto* kLabel = new QLabel(tr(" Results (k): "), this);
    kBox_->setRange(1, 50);
    kBox_->setValue(5);
    kBox_->setAccessibleName(tr("Number of results"));
    kLabel->setBuddy(kBox_);
    bar->addWidget(kLabel);
    bar->addWidget(kBox_);
    auto* pathLabel = new QLabel(tr(" Vector path: "), this);
    pathBox_->addItem(tr("Auto"), static_cast<int>(retrieval::RetrievalOptions::VectorPath::Auto));
    pathBox_->addItem(tr("HNSW index"), static_cast<int>(retrieval::RetrievalOptions::VectorPath::Hnsw));
    pathBox_->addItem(tr("Exact scan"), static_cast<int>(retrieval::RetrievalOptions::VectorPath::Exact));
    pathBox_->setAccessibleName(tr("Vector path"));
    pathBox_->setToolTip(tr("Auto picks the HNSW index or an exact scan from planner estimates"));
    pathLabel->setBuddy(pathBox_);
    bar->addWidget(pathLabel);
    bar->addWidget(pathBox_);
    rerankBox_->setChecked(true);
    rerankBox_->setAccessibleName(tr("Rerank the fused candidates"));
    bar->addWidget(rerankBox_);
    bar->addSeparator();
    bar->addAction(devAction);
}

void ConsoleWindow::buildLayout()
{
    banner_->setObjectName(QStringLiteral("connectionBanner"));
    banner_->setAccessibleName(tr("Connection status"));
    banner_->setWordWrap(true);
    banner_->setTextFormat(Qt::RichText);
    connect(banner_, &QLabel::linkActivated, this, [this] {
        QMessageBox box(QMessageBox::Warning, tr("Database connection"), banner_->text().section(QLatin1Char('<'), 0, 0),
                        QMessageBox::Close, this);
        box.setDetailedText(bannerDetails_);
        box.exec();
    });
    banner_->setStyleSheet(QStringLiteral("background:#fff3bf;color:#5c3c00;border:1px solid #e5a50a;padding:6px"));
    banner_->hide();

    auto* askButton = new QPushButton(tr("&Ask  (Ctrl+Enter)"), this);
    askButton->setObjectName(QStringLiteral("askButton"));
    auto* stopButton = new QPushButton(tr("S&top"), this);
    stopButton->setObjectName(QStringLiteral("stopButton"));
    connect(askButton, &QPushButton::clicked, askAction_, &QAction::trigger);
    connect(stopButton, &QPushButton::clicked, stopAction_, &QAction::trigger);
    connect(stopAction_, &QAction::enabledChanged, stopButton, &QWidget::setEnabled);
    stopButton->setEnabled(false);
    auto* messageBox = new QWidget(this);
    auto* messageLayout = new QVBoxLayout(messageBox);
    messageLayout->setContentsMargins(0, 0, 0, 0);
    auto* messageLabel = new QLabel(tr("<b>Customer &message</b>"), messageBox);
    messageLabel->setBuddy(editor_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(askButton);
    buttons->addWidget(stopButton);
    buttons->addStretch();
    messageLayout->addWidget(messageLabel);
    messageLayout->addWidget(editor_, 1);
    messageLayout->addLayout(buttons);

    leftSplitter_->setObjectName(QStringLiteral("leftSplitter"));
    leftSplitter_->addWidget(messageBox);
    leftSplitter_->addWidget(titled(tr("Order status"), orders_, this));
    leftSplitter_->addWidget(titled(tr("Ticket history (newest first)"), tickets_, this));
    leftSplitter_->setStretchFactor(0, 2);
    leftSplitter_->setStretchFactor(1, 3);
    leftSplitter_->setStretchFactor(2, 2);

    centreTabs_->setObjectName(QStringLiteral("centreTabs"));
    resultsSplitter_->setObjectName(QStringLiteral("resultsSplitter"));
    scopeNote_->setObjectName(QStringLiteral("scopeNote"));
    scopeNote_->setWordWrap(true);
    scopeNote_->setText(tr("You see the material your role covers. If it does not answer the customer, "
                           "escalate to a staff agent."));
    scopeNote_->setStyleSheet(QStringLiteral("color:palette(window-text);background:palette(alternate-base);padding:4px"));
    scopeNote_->hide();
    auto* resultsBox = new QWidget(this);
    auto* resultsLayout = new QVBoxLayout(resultsBox);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addWidget(scopeNote_);
    resultsLayout->addWidget(results_, 1);
    resultsSplitter_->addWidget(resultsBox);
    resultsSplitter_->addWidget(titled(tr("Suggested reply"), draft_, this));
    resultsSplitter_->setStretchFactor(0, 3);
    resultsSplitter_->setStretchFactor(1, 2);
    centreTabs_->addTab(resultsSplitter_, tr("Cited chunks"));
    centreTabs_->addTab(compare_, tr("Compare agents"));

    mainSplitter_->setObjectName(QStringLiteral("mainSplitter"));
    mainSplitter_->addWidget(leftSplitter_);
    mainSplitter_->addWidget(centreTabs_);
    mainSplitter_->addWidget(titled(tr("Source"), source_, this));
    mainSplitter_->setStretchFactor(0, 3);
    mainSplitter_->setStretchFactor(1, 4);
    mainSplitter_->setStretchFactor(2, 3);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(banner_);
    layout->addWidget(mainSplitter_, 1);
    setCentralWidget(central);

    addDockWidget(Qt::BottomDockWidgetArea, developer_);

    identityLabel_->setObjectName(QStringLiteral("identityLabel"));
    databaseLabel_->setObjectName(QStringLiteral("databaseLabel"));
    connectionLabel_->setObjectName(QStringLiteral("connectionLabel"));
    busyBar_->setRange(0, 0);
    busyBar_->setMaximumWidth(120);
    busyBar_->setAccessibleName(tr("Query running"));
    busyBar_->hide();
    statusBar()->addPermanentWidget(busyBar_);
    statusBar()->addPermanentWidget(identityLabel_);
    statusBar()->addPermanentWidget(databaseLabel_);
    statusBar()->addPermanentWidget(connectionLabel_);

    setTabOrder(editor_, askButton);
    setTabOrder(askButton, stopButton);
    setTabOrder(stopButton, centreTabs_);
    setTabOrder(centreTabs_, results_);
    setTabOrder(results_, draft_);
    setTabOrder(draft_, source_);
    setTabOrder(source_, orders_);
    setTabOrder(orders_, tickets_);
}

} // namespace ac::ui
