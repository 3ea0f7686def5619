"""notifications, notification preferences, email outbox

Revision ID: f7b2d3e4a5c6
Revises: e6a1c2d3f4b5
Create Date: 2026-11-29 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7b2d3e4a5c6'
down_revision = 'e6a1c2d3f4b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_email_outbox_status_known')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_email_outbox_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_outbox'))
    )
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_email_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_outbox_user_id'), ['user_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email_state', sa.String(length=10), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("email_state IN ('none', 'pending', 'queued')", name=op.f('ck_notification_email_state_known')),
    sa.ForeignKeyConstraint(['outbox_id'], ['email_outbox.id'], name=op.f('fk_notification_outbox_id_email_outbox')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_email_state_user', ['email_state', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_outbox_id'), ['outbox_id'], unique=False)
        batch_op.create_index('ix_notification_user_in_app_read', ['user_id', 'in_app', 'read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)

    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('all_email_off', sa.Boolean(), nullable=False),
    sa.Column('last_digest_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("frequency IN ('immediate', 'daily', 'weekly')", name=op.f('ck_notification_settings_frequency_known')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_settings_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings'))
    )

    op.create_table('notification_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
    sa.UniqueConstraint('user_id', 'kind', name='uq_notification_preference_user_id_kind')
    )
    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preference_user_id'), ['user_id'], unique=False)

    op.create_table('budget_vote_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('notice', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.CheckConstraint("notice IN ('opened', 'closed')", name=op.f('ck_budget_vote_notice_notice_known')),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], name=op.f('fk_budget_vote_notice_budget_id_budget')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_vote_notice')),
    sa.UniqueConstraint('budget_id', 'notice', name='uq_budget_vote_notice_budget_id_notice')
    )
    with op.batch_alter_table('budget_vote_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_vote_notice_budget_id'), ['budget_id'], unique=False)


def downgrade():
    with op.batch_alter_table('budget_vote_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_vote_notice_budget_id'))
    op.drop_table('budget_vote_notice')

    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_preference_user_id'))
    op.drop_table('notification_preference')

    op.drop_table('notification_settings')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index('ix_notification_user_in_app_read')
        batch_op.drop_index(batch_op.f('ix_notification_outbox_id'))
        batch_op.drop_index('ix_notification_email_state_user')
    op.drop_table('notification')

    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_outbox_user_id'))
        batch_op.drop_index('ix_email_outbox_status_next_attempt_at')
    op.drop_table('email_outbox')
