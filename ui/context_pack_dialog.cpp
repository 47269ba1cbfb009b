#include "context_pack_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace ac::ui {

ContextPackDialog::ContextPackDialog(QWidget* parent)
    : QDialog(parent), text_(new QPlainTextEdit(this)), json_(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("contextPackDialog"));
    setWindowTitle(tr("Context pack"));
    for (QPlainTextEdit* view : {text_, json_}) {
        view->setReadOnly(true);
        view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }
    text_->setAccessibleName(tr("Context pack text"));
    json_->setAccessibleName(tr("Context pack JSON"));
    auto* tabs = new QTabWidget(this);
    tabs->addTab(text_, tr("Text (copied)"));
    tabs->addTab(json_, tr("JSON"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* copyJson = buttons->addButton(tr("Copy &JSON"), QDialogButtonBox::ActionRole);
    connect(copyJson, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(json_->toPlainText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("The context below is on the clipboard, ready to paste into the reply assistant."), this));
    layout->addWidget(tabs);
    layout->addWidget(buttons);
    resize(760, 560);
}

void ContextPackDialog::showPack(const QString& text, const QString& json)
{
    text_->setPlainText(text);
    json_->setPlainText(json);
}

QString ContextPackDialog::text() const
{
    return text_->toPlainText();
}

} // namespace ac::ui
