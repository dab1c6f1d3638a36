// The tooltip and axis pointer of ECharts, loaded after the core (see echarts.ts).

import { TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';

echarts.use([TooltipComponent]);
