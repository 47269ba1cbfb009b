#include "login_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ac::ui {

LoginDialog::LoginDialog(const QString& databaseDescription, QWidget* parent)
    : QDialog(parent), agentBox_(new QComboBox(this)), password_(new QLineEdit(this)), hint_(new QLabel(this)),
      error_(new QLabel(this)), buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("loginDialog"));
    setWindowTitle(tr("Log in — Agent Console"));
    agentBox_->setObjectName(QStringLiteral("agentPicker"));
    agentBox_->setAccessibleName(tr("Agent"));
    password_->setObjectName(QStringLiteral("passwordEdit"));
    password_->setAccessibleName(tr("Password"));
    password_->setEchoMode(QLineEdit::Password);
    hint_->setWordWrap(true);
    hint_->setTextFormat(Qt::RichText);
    hint_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color:#c01c28"));
    error_->setAccessibleName(tr("Login error"));
    error_->hide();
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("&Log in"));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);

    auto* database = new QLabel(tr("Database: %1").arg(databaseDescription), this);
    database->setWordWrap(true);
    database->setStyleSheet(QStringLiteral("color:#666"));
    auto* form = new QFormLayout;
    form->addRow(tr("&Agent:"), agentBox_);
    form->addRow(tr("&Password:"), password_);
    auto* layout = new QVBoxLayout(this);
    layout->setSizeConstraint(QLayout::SetMinimumSize);  // an error line grows the dialog, never clips it
    layout->addWidget(database);
    layout->addLayout(form);
    layout->addWidget(hint_);
    layout->addWidget(error_);
    layout->addWidget(buttons_);
    setTabOrder(agentBox_, password_);
    setTabOrder(password_, buttons_);
    agentBox_->addItem(tr("Loading agents…"));
    agentBox_->setEnabled(false);

    connect(agentBox_, &QComboBox::currentIndexChanged, this, [this] {
        updateHint();
        password_->setFocus();
    });
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
        if (agentBox_->currentIndex() < 0 || agents_.empty())
            return;
        error_->hide();
        emit loginRequested(account(), password());
    });
}

void LoginDialog::setAgents(const AgentAccounts& agents, bool embeddedDemo)
{
    agents_.clear();
    for (const AgentAccount& a : agents)
        if (a.agentId != excluded_ && (onlyMerchant_.isEmpty() || a.merchantId == onlyMerchant_))
            agents_.push_back(a);
    embeddedDemo_ = embeddedDemo;
    agentBox_->blockSignals(true);
    agentBox_->clear();
    for (const AgentAccount& a : agents_)
        agentBox_->addItem(QStringLiteral("%1 — %2").arg(a.label(), a.kind), a.agentId);
    agentBox_->blockSignals(false);
    agentBox_->setEnabled(!agents_.empty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(!agents_.empty());
    if (agents_.empty())
        agentBox_->addItem(tr("No agents in this database"));
    updateHint();
    password_->setFocus();
}

void LoginDialog::updateHint()
{
    if (!embeddedDemo_) {
        hint_->setText(tr("Log in with your agent account's database password (or leave it empty to use ~/.pgpass)."));
        return;
    }
    QStringList lines;
    for (const AgentAccount& a : agents_)
        if (!a.demoPassword.isEmpty())
            lines << QStringLiteral("<b>%1</b> (%2, %3): password <code>%4</code>")
                         .arg(a.displayName.toHtmlEscaped(), a.merchantName.toHtmlEscaped(), a.kind.toHtmlEscaped(),
                              a.demoPassword.toHtmlEscaped());
    hint_->setText(tr("Embedded demo database. Demo accounts:") + QStringLiteral("<br>") + lines.join(QStringLiteral("<br>")));
}

void LoginDialog::setError(const QString& message)
{
    error_->setText(message);
    error_->setVisible(!message.isEmpty());
    adjustSize();
    password_->selectAll();
    password_->setFocus();
}

void LoginDialog::setBusy(bool busy)
{
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(!busy && !agents_.empty());
    agentBox_->setEnabled(!busy && !agents_.empty());
    password_->setEnabled(!busy);
}

void LoginDialog::selectAgent(const QString& agentId)
{
    const int index = agentBox_->findData(agentId);
    if (index >= 0)
        agentBox_->setCurrentIndex(index);
}

void LoginDialog::setPassword(const QString& password)
{
    password_->setText(password);
}

void LoginDialog::excludeAgent(const QString& agentId, const QString& merchantId)
{
    excluded_ = agentId;
    onlyMerchant_ = merchantId;
}

AgentAccount LoginDialog::account() const
{
    const int index = agentBox_->currentIndex();
    if (index < 0 || index >= static_cast<int>(agents_.size()))
        return {};
    return agents_[static_cast<size_t>(index)];
}

QString LoginDialog::password() const
{
    return password_->text();
}

} // namespace ac::ui
