//! The `mitra` binary: every subcommand lives in `mitra::cli`.

fn main() -> anyhow::Result<()> {
    mitra::cli::main()
}
