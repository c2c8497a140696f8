//! Production operations on the target database: each method is one transaction.
//! Tools, their maintenance and operators are here; bills and orders in [`orders`].

mod orders;
mod search;

use bascule_platform::db::record::{self, Page, PageRequest, Stored};
use bascule_platform::db::{Db, DbError, Tx};
use chrono::NaiveDate;

use crate::domain::{MaintenanceRecord, Operator, ProductionError, Tool, ToolState};

pub use orders::OrderProgress;

#[derive(Debug, Clone)]
pub struct ProductionStore {
    db: Db,
}

fn storage(e: DbError) -> ProductionError {
    ProductionError::Storage(Box::new(e))
}

fn not_found(entity: &'static str, key: &str) -> ProductionError {
    ProductionError::NotFound {
        entity,
        key: key.to_owned(),
    }
}

/// Maps a storage error to the domain's, naming the entity concerned.
fn mapped(entity: &'static str, key: &str) -> impl FnOnce(DbError) -> ProductionError {
    let key = key.to_owned();
    move |e| match e {
        DbError::Duplicate(_) => ProductionError::AlreadyExists { entity, key },
        DbError::NotFound => ProductionError::NotFound { entity, key },
        DbError::StaleRevision { expected } => ProductionError::Conflict {
            entity,
            key,
            revision: expected,
        },
        DbError::TooLong { column, .. } => {
            ProductionError::invalid("text", format!("{column} is too long"))
        }
        other => storage(other),
    }
}

/// Refuses an update made from revision `given` when the record is now at `current`.
fn check_revision(
    entity: &'static str,
    key: &str,
    given: i64,
    current: i64,
) -> Result<(), ProductionError> {
    if given == current {
        Ok(())
    } else {
        Err(ProductionError::Conflict {
            entity,
            key: key.to_owned(),
            revision: given,
        })
    }
}

/// The tool `code`, locked until the end of the transaction.
async fn locked_tool(tx: &mut Tx, code: &str) -> Result<Stored<Tool>, ProductionError> {
    record::lock_all::<Tool>(tx, &[("code", code.into())])
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("tool", code))
}

impl ProductionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn begin(&self) -> Result<Tx, ProductionError> {
        self.db.begin().await.map_err(storage)
    }

    /// Stores a tool as given, in any state: migrated tools arrive with their history.
    pub async fn create_tool(&self, tool: Tool) -> Result<Stored<Tool>, ProductionError> {
        let tool = tool.validate()?;
        let code = tool.code.clone();
        record::insert(&mut self.db.clone(), tool)
            .await
            .map_err(mapped("tool", &code))
    }

    pub async fn get_tool(&self, code: &str) -> Result<Stored<Tool>, ProductionError> {
        record::find_by(&mut self.db.clone(), "code", code.into())
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("tool", code))
    }

    pub async fn list_tools(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<Tool>>, ProductionError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }

    /// Updates a tool at `revision`. Its code never changes, and its state and counters
    /// change only through [`Self::change_tool_state`], [`Self::add_cycles`] and
    /// [`Self::record_maintenance`], which keep their rules.
    pub async fn update_tool(
        &self,
        code: &str,
        revision: i64,
        tool: Tool,
    ) -> Result<Stored<Tool>, ProductionError> {
        let tool = tool.validate()?;
        if tool.code != code {
            return Err(ProductionError::invalid(
                "code",
                "a tool's code cannot change",
            ));
        }
        let mut tx = self.begin().await?;
        let current = locked_tool(&mut tx, code).await?;
        check_revision("tool", code, revision, current.revision)?;
        if tool.state != current.value.state {
            return Err(ProductionError::invalid(
                "state",
                "a tool's state changes through its transitions",
            ));
        }
        if (tool.cycle_counter, tool.cycles_at_last_maintenance)
            != (
                current.value.cycle_counter,
                current.value.cycles_at_last_maintenance,
            )
        {
            return Err(ProductionError::invalid(
                "cycle_counter",
                "counters change by adding cycles or recording maintenance",
            ));
        }
        let stored = record::update(&mut tx, &current.id, revision, tool)
            .await
            .map_err(mapped("tool", code))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    /// Moves a tool to state `to` if the transition table allows it.
    pub async fn change_tool_state(
        &self,
        code: &str,
        to: ToolState,
    ) -> Result<Stored<Tool>, ProductionError> {
        self.modify_tool(code, None, |t| t.change_state(to)).await
    }

    /// Moves a tool to state `to` if the transition table allows it and, when a revision
    /// is given, the tool is still at it.
    pub async fn change_tool_state_at(
        &self,
        code: &str,
        revision: Option<i64>,
        to: ToolState,
    ) -> Result<Stored<Tool>, ProductionError> {
        self.modify_tool(code, revision, |t| t.change_state(to))
            .await
    }

    /// Adds `cycles` to a tool's counter; a negative number is refused.
    pub async fn add_cycles(
        &self,
        code: &str,
        cycles: i64,
    ) -> Result<Stored<Tool>, ProductionError> {
        self.modify_tool(code, None, |t| t.add_cycles(cycles)).await
    }

    async fn modify_tool(
        &self,
        code: &str,
        revision: Option<i64>,
        change: impl FnOnce(&Tool) -> Result<Tool, ProductionError>,
    ) -> Result<Stored<Tool>, ProductionError> {
        let mut tx = self.begin().await?;
        let current = locked_tool(&mut tx, code).await?;
        if let Some(revision) = revision {
            check_revision("tool", code, revision, current.revision)?;
        }
        let next = change(&current.value)?;
        let stored = record::update(&mut tx, &current.id, current.revision, next)
            .await
            .map_err(mapped("tool", code))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    /// Records maintenance done on a tool and restarts its due status from the record's
    /// counter and next date, in one transaction.
    pub async fn record_maintenance(
        &self,
        record: MaintenanceRecord,
    ) -> Result<(Stored<MaintenanceRecord>, Stored<Tool>), ProductionError> {
        let record = record.validate()?;
        let code = record.tool_code.clone();
        let mut tx = self.begin().await?;
        let current = locked_tool(&mut tx, &code).await?;
        let next = current.value.after_maintenance(&record)?;
        let tool = record::update(&mut tx, &current.id, current.revision, next)
            .await
            .map_err(mapped("tool", &code))?;
        let stored = record::insert(&mut tx, record)
            .await
            .map_err(mapped("maintenance record", &code))?;
        tx.commit().await.map_err(storage)?;
        Ok((stored, tool))
    }

    /// The maintenance of a tool, oldest first.
    pub async fn list_maintenance(
        &self,
        tool_code: &str,
        page: &PageRequest,
    ) -> Result<Page<Stored<MaintenanceRecord>>, ProductionError> {
        record::list(
            &mut self.db.clone(),
            &[("tool_code", tool_code.into())],
            page,
        )
        .await
        .map_err(storage)
    }

    /// The tools due for maintenance or calibration on `as_of`, in code order.
    pub async fn tools_due(&self, as_of: NaiveDate) -> Result<Vec<Stored<Tool>>, ProductionError> {
        // Due status compares two columns and a date: computed here rather than in SQL,
        // over a tool park of a few thousand rows at most.
        let tools = record::list_all::<Tool>(&mut self.db.clone(), &[])
            .await
            .map_err(storage)?;
        Ok(tools
            .into_iter()
            .filter(|t| t.value.is_due(as_of))
            .collect())
    }

    /// Stores an operator; the trigram and the badge number are unique.
    pub async fn create_operator(
        &self,
        operator: Operator,
    ) -> Result<Stored<Operator>, ProductionError> {
        let operator = operator.validate()?;
        let key = operator.trigram.clone();
        record::insert(&mut self.db.clone(), operator)
            .await
            .map_err(mapped("operator", &key))
    }

    pub async fn get_operator(&self, trigram: &str) -> Result<Stored<Operator>, ProductionError> {
        record::find_by(&mut self.db.clone(), "trigram", trigram.into())
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("operator", trigram))
    }

    /// Operators in trigram order.
    pub async fn list_operators(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<Operator>>, ProductionError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }
}
