//! oslinker: see the library crate for the pipeline.

fn main() -> std::process::ExitCode {
    oslinker::run(std::env::args_os())
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
