"""events, co-organisers, volunteer tasks and sign-ups, event images

Revision ID: e6a1c2d3f4b5
Revises: b71e06b0c962
Create Date: 2026-11-29 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a1c2d3f4b5'
down_revision = 'b71e06b0c962'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('price', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_ends_after_start')),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name=op.f('ck_event_status_known')),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_event_price_not_negative')),
    sa.ForeignKeyConstraint(['organiser_id'], ['association.id'], name=op.f('fk_event_organiser_id_association')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_event_village_id_village')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_created_by_id_user')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['user.id'], name=op.f('fk_event_cancelled_by_id_user')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user.id'], name=op.f('fk_event_hidden_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_village_id'), ['village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_status'), ['status'], unique=False)

    op.create_table('event_co_organiser',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'declined')",
                       name=op.f('ck_event_co_organiser_status_known')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_co_organiser_event_id_event')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'],
                            name=op.f('fk_event_co_organiser_association_id_association')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_event_co_organiser_invited_by_id_user')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_event_co_organiser_answered_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_co_organiser')),
    sa.UniqueConstraint('event_id', 'association_id', name='uq_event_co_organiser_event_id_association_id')
    )
    with op.batch_alter_table('event_co_organiser', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_co_organiser_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_co_organiser_association_id'), ['association_id'], unique=False)

    op.create_table('volunteer_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_volunteer_task_capacity_positive')),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at',
                       name=op.f('ck_volunteer_task_ends_after_start')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_volunteer_task_event_id_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_task'))
    )
    with op.batch_alter_table('volunteer_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_task_event_id'), ['event_id'], unique=False)

    op.create_table('task_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['volunteer_task.id'], name=op.f('fk_task_signup_task_id_volunteer_task')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_signup_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_signup'))
    )
    with op.batch_alter_table('task_signup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_signup_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_signup_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_task_signup_active', ['task_id', 'user_id'], unique=True,
                              sqlite_where=sa.text('cancelled_at IS NULL'),
                              postgresql_where=sa.text('cancelled_at IS NULL'))

    op.create_table('event_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('alt_text', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('byte_size > 0 AND width > 0 AND height > 0', name=op.f('ck_event_image_sizes_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_image_event_id_event')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_image_created_by_id_user')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['user.id'], name=op.f('fk_event_image_removed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_image'))
    )
    with op.batch_alter_table('event_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_image_event_id'), ['event_id'], unique=False)
        batch_op.create_index('uq_event_image_current', ['event_id'], unique=True,
                              sqlite_where=sa.text('removed_at IS NULL'),
                              postgresql_where=sa.text('removed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('event_image', schema=None) as batch_op:
        batch_op.drop_index('uq_event_image_current', sqlite_where=sa.text('removed_at IS NULL'),
                            postgresql_where=sa.text('removed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_event_image_event_id'))
    op.drop_table('event_image')
    with op.batch_alter_table('task_signup', schema=None) as batch_op:
        batch_op.drop_index('uq_task_signup_active', sqlite_where=sa.text('cancelled_at IS NULL'),
                            postgresql_where=sa.text('cancelled_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_task_signup_user_id'))
        batch_op.drop_index(batch_op.f('ix_task_signup_task_id'))
    op.drop_table('task_signup')
    with op.batch_alter_table('volunteer_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_task_event_id'))
    op.drop_table('volunteer_task')
    with op.batch_alter_table('event_co_organiser', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_co_organiser_association_id'))
        batch_op.drop_index(batch_op.f('ix_event_co_organiser_event_id'))
    op.drop_table('event_co_organiser')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_status'))
        batch_op.drop_index(batch_op.f('ix_event_ends_at'))
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_category'))
        batch_op.drop_index(batch_op.f('ix_event_village_id'))
        batch_op.drop_index(batch_op.f('ix_event_organiser_id'))
    op.drop_table('event')
