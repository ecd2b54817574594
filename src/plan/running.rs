//! How a process runs, as planned: `resources`, `replicas`, `isolation`, alternative runtimes.
//! Each is left out of the plan when the process does not say it.

use serde::{Deserialize, Serialize};

use crate::model::Process;
use crate::model::resources::{Replicas, Resources, ScalingSignal};

/// CPU and memory as written (`500m`, `512Mi`), GPUs as a count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedResources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedReplicas {
    pub min: u64,
    pub max: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_concurrency: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_cpu_percent: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedAlternative {
    pub platform: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_version: Option<String>,
}

pub fn resources(resources: &Resources) -> PlannedResources {
    PlannedResources {
        cpu: resources.cpu.as_ref().map(|q| q.written.value.clone()),
        memory: resources.memory.as_ref().map(|q| q.written.value.clone()),
        gpu: resources.gpu.as_ref().map(|g| g.value),
    }
}

pub fn replicas(replicas: &Replicas) -> PlannedReplicas {
    let (concurrency, cpu) = match replicas.signal {
        Some(ScalingSignal::TargetConcurrency(n)) => (Some(n), None),
        Some(ScalingSignal::TargetCpuPercent(n)) => (None, Some(n)),
        None => (None, None),
    };
    PlannedReplicas {
        min: replicas.min.value,
        max: replicas.max.value,
        target_concurrency: concurrency,
        target_cpu_percent: cpu,
    }
}

pub fn alternatives(process: &Process) -> Vec<PlannedAlternative> {
    (process.alternatives.iter())
        .map(|a| PlannedAlternative {
            platform: a.platform.value.clone(),
            runtime_version: a.version.as_ref().map(|v| v.value.clone()),
        })
        .collect()
}

impl std::fmt::Display for PlannedResources {
    /// `cpu 500m, memory 512Mi, gpu 1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [
            self.cpu.as_ref().map(|c| format!("cpu {c}")),
            self.memory.as_ref().map(|m| format!("memory {m}")),
            self.gpu.map(|g| format!("gpu {g}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        f.write_str(&parts.join(", "))
    }
}

impl std::fmt::Display for PlannedReplicas {
    /// `1-4 (target concurrency 10)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.min == self.max {
            write!(f, "{}", self.min)?;
        } else {
            write!(f, "{}-{}", self.min, self.max)?;
        }
        if let Some(n) = self.target_concurrency {
            write!(f, " (target concurrency {n})")?;
        }
        if let Some(n) = self.target_cpu_percent {
            write!(f, " (target cpu {n}%)")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for PlannedAlternative {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.runtime_version {
            Some(version) => write!(f, "{} ({version})", self.platform),
            None => f.write_str(&self.platform),
        }
    }
}
