/** The few Engine API shapes the docker runtime reads (fields it does not read are left out). */

export interface EngineInfo {
  readonly ServerVersion: string;
  /** "1" or "2" (API >= 1.40). */
  readonly CgroupVersion?: string;
  readonly Driver: string;
}

export interface ImageInspect {
  readonly Id: string;
  readonly Size: number;
  readonly Config?: { readonly Labels?: Readonly<Record<string, string>> | null };
}

export interface ContainerSummary {
  readonly Id: string;
  readonly Names: readonly string[];
  readonly State: string;
  readonly Labels: Readonly<Record<string, string>>;
}

export interface ContainerState {
  readonly Status: string;
  readonly Running: boolean;
  readonly OOMKilled: boolean;
  readonly ExitCode: number;
  readonly Error: string;
}

export interface ContainerMount {
  readonly Type: string;
  readonly Source: string;
  readonly Destination: string;
}

export interface ContainerInspect {
  readonly Id: string;
  readonly State: ContainerState;
  readonly Mounts: readonly ContainerMount[];
}

/** GET /containers/<id>/stats?stream=false&one-shot=true, memory part; `{}` once stopped. */
export interface ContainerStats {
  readonly memory_stats?: {
    readonly usage?: number;
    readonly limit?: number;
    /** cgroup v1: total_inactive_file (and inactive_file); cgroup v2: inactive_file. */
    readonly stats?: Readonly<Record<string, number>>;
  };
}

export interface ExecInspect {
  readonly ExitCode: number | null;
  readonly Running: boolean;
}
