import { QwcHotReloadElement, html, css } from 'qwc-hot-reload-element';
import { JsonRpc } from 'jsonrpc';

/**
 * Scheduler page: one row per P and per M, Gs by state, the global queue and the counters, from the shared sampler
 * stream (about four samples a second).
 */
export class QwcGoroutinesScheduler extends QwcHotReloadElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 0 1em 1em 1em; }
        .summary { display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; margin: 0.5em 0 1em 0; }
        .summary span b { font-size: 1.2em; }
        table { border-collapse: collapse; margin-bottom: 1.5em; font-variant-numeric: tabular-nums; }
        th, td { padding: 0.2em 0.8em; text-align: right; border-bottom: 1px solid var(--lumo-contrast-10pct); }
        th { color: var(--lumo-secondary-text-color); font-weight: normal; }
        td.text, th.text { text-align: left; }
        .state-RUNNING, .m-running { color: var(--lumo-success-text-color); }
        .state-SYSCALL, .m-syscall { color: var(--lumo-warning-text-color, orange); }
        .state-IDLE, .m-idle, .state-DEAD { color: var(--lumo-secondary-text-color); }
        .m-spinning { color: var(--lumo-primary-text-color); }
        .shedding { color: var(--lumo-error-text-color, red); }
        h3 { margin: 0.5em 0 0.3em 0; font-size: 1em; }
    `;

    static properties = {
        _view: { state: true }
    };

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.scheduler().then(r => { if (!this._view) this._view = r.result; });
        this._subscribe();
    }

    disconnectedCallback() {
        this._unsubscribe();
        super.disconnectedCallback();
    }

    hotReload() {
        this._unsubscribe();
        this._subscribe();
    }

    _subscribe() {
        this._observer = this.jsonRpc.streamScheduler().onNext(r => this._view = r.result);
    }

    _unsubscribe() {
        if (this._observer) {
            this._observer.cancel();
            this._observer = null;
        }
    }

    render() {
        const v = this._view;
        if (!v) {
            return html`<p>Waiting for the first sample…</p>`;
        }
        if (!v.running) {
            return html`<p>The scheduler is not running (quarkus.goroutines.enabled=false, or the app is stopped).</p>`;
        }
        const s = v.snapshot;
        return html`
            <div class="summary">
                <span title="Go's GOMAXPROCS">Ps <b id="procs">${s.procs}</b> (${s.idleProcs} idle)</span>
                <span title="Ms: threads that run Gs">Ms <b>${s.threads}</b> (${s.spinningThreads} spinning, ${s.idleThreads} idle)</span>
                <span title="runtime.NumGoroutine">Gs <b id="goroutines">${v.goroutines}</b></span>
                <span title="sched.runq">global queue <b id="global">${s.globalRunqueue}</b></span>
                <span title="Gs back from a blocking call waiting for a P">exitsyscall waiting <b>${s.exitsyscallWaiting}</b></span>
                <span title="Gs that lost their P after holding it a whole slice (long-running.threshold)">preemptions <b id="preemptions">${v.preemptions}</b></span>
                <span title="New requests refused with 503 while Gs wait longer than admission.target for a P">admission <b id="shedding" class="${v.shedding ? 'shedding' : ''}">${v.shedding ? 'shedding (503)' : 'open'}</b></span>
                <span>uptime <b>${(s.uptimeMillis / 1000).toFixed(0)} s</b></span>
            </div>
            <h3>Gs by state</h3>
            <table id="gs">
                <tr>${Object.keys(s.goroutinesByState).filter(k => k !== 'DEAD' && k !== 'IDLE').map(k => html`<th class="state-${k}">${k.toLowerCase()}</th>`)}</tr>
                <tr>${Object.entries(s.goroutinesByState).filter(([k]) => k !== 'DEAD' && k !== 'IDLE').map(([k, n]) => html`<td class="state-${k}">${n}</td>`)}</tr>
            </table>
            <h3>Ps</h3>
            <table id="ps">
                <tr><th class="text">P</th><th class="text">state</th><th>M</th><th>current G</th><th>run queue</th><th class="text">runnext</th>
                    <th>schedtick</th><th>syscalltick</th><th>steals</th><th>handoffs</th><th>free Gs</th></tr>
                ${s.ps.map(p => html`
                <tr class="p-row">
                    <td class="text">P${p.id}</td>
                    <td class="text state-${p.status}">${p.status.toLowerCase()}</td>
                    <td>${p.m < 0 ? '–' : 'M' + p.m}</td>
                    <td>${this._curg(s, p)}</td>
                    <td class="runq">${p.runqsize}</td>
                    <td class="text">${p.runnext ? 'yes' : ''}</td>
                    <td>${p.schedtick}</td>
                    <td>${p.syscalltick}</td>
                    <td>${p.steals}</td>
                    <td>${p.handoffs}</td>
                    <td>${p.gfreecnt}</td>
                </tr>`)}
            </table>
            <h3>Ms</h3>
            <table id="ms">
                <tr><th class="text">M</th><th class="text">state</th><th>P</th><th>G</th><th class="text">G state</th><th class="text">thread</th></tr>
                ${s.ms.map((m, i) => html`
                <tr class="m-row">
                    <td class="text">M${m.id}</td>
                    <td class="text m-${v.mStates[i]}">${v.mStates[i]}</td>
                    <td>${m.p < 0 ? '–' : 'P' + m.p}</td>
                    <td>${m.curg < 0 ? '–' : 'G' + m.curg}</td>
                    <td class="text">${m.curgState ? m.curgState.toLowerCase() : ''}${m.waitReason ? ' (' + m.waitReason + ')' : ''}</td>
                    <td class="text">${m.thread}</td>
                </tr>`)}
            </table>
            <h3>Counters since start</h3>
            <table id="counters">
                ${Object.entries(s.counters).map(([k, n]) => html`<tr><td class="text">${k}</td><td>${n}</td></tr>`)}
            </table>`;
    }

    _curg(s, p) {
        const m = s.ms.find(m => m.id === p.m);
        return m && m.curg >= 0 ? 'G' + m.curg : '–';
    }
}
customElements.define('qwc-goroutines-scheduler', QwcGoroutinesScheduler);
